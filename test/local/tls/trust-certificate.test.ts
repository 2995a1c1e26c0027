import { randomUUID } from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';
import { SecretClient } from '@azure/keyvault-secrets';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate, type LocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';

function fetchStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('trustCertificate', () => {
  let certificate: LocalCertificate;
  let sandbox: SandboxCloud;

  beforeAll(async () => {
    certificate = await createLocalCertificate();
    sandbox = await startSandboxCloud({ certificate });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('is needed: before it, https clients reject the sandbox certificate', async () => {
    await expect(fetchStatus(`${sandbox.urls.keyVault}/secrets/x?api-version=7.5`)).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
  });

  it('lets a real SecretClient (its own https.Agent) reach the sandbox once trusted', async () => {
    trustCertificate(certificate.caPem);
    // An app in the provider's tenant with a secret and Key Vault Secrets User on the vault.
    const clientSecret = randomUUID();
    const clientId = randomUUID();
    const objectId = randomUUID();
    sandbox.state.addApp({
      tenantId: sandbox.homeTenantId,
      clientId,
      objectId,
      secrets: [{ value: clientSecret, expiresAt: new Date(Date.now() + 86_400_000) }],
    });
    sandbox.state.assignRole(objectId, sandbox.state.vaultResourceId, 'Key Vault Secrets User');
    sandbox.state.setVaultSecret('trust-probe', 'probe-value');
    const credential = new ClientSecretCredential(sandbox.homeTenantId, clientId, clientSecret, {
      authorityHost: sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
    const client = new SecretClient(sandbox.urls.keyVault, credential, { disableChallengeResourceVerification: true });

    const secret = await client.getSecret('trust-probe');

    expect(secret.value).toBe('probe-value');
    expect(sandbox.requests.list('vault').map((r) => r.status)).toEqual([401, 200]);
    expect(sandbox.requests.list('entra').map((r) => r.status)).toEqual([200, 200]);
  });

  it('is idempotent: trusting the same certificate twice adds it once', () => {
    trustCertificate(certificate.caPem);
    const before = tls.getCACertificates('default').length;
    trustCertificate(certificate.caPem);
    trustCertificate(`\n${certificate.caPem}\n`);
    expect(tls.getCACertificates('default').length).toBe(before);
  });
});
