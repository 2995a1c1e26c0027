import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { createLocalCertificate } from '../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../lib/local/tls/trust-certificate';
import { startApiHost, type ApiHost } from '../support/start-api-host';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only reading of JSON answers
type Json = any;

const CONTOSO_SECRET = 'customer-contoso-secret';
let api: ApiHost;
let attacker: https.Server;
let attackerUrl: string;
/** Every request the attacker's server received, with its Authorization header. */
const received: { url: string; authorization: string | undefined }[] = [];

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${api.host.httpUrl}/api${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const contosoSecret = () => api.app.env.sandbox.state.findVaultSecret(CONTOSO_SECRET);

beforeAll(async () => {
  api = await startApiHost();
  // An https server the process trusts (as a real attacker's host with a public certificate would be).
  const certificate = await createLocalCertificate();
  trustCertificate(certificate.caPem);
  attacker = https.createServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => {
    received.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(201).end();
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `https://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => attacker?.close(resolve));
  await api?.close();
});

describe("attack 1: a registration that sends contoso's token to the attacker's host", () => {
  const mallory = () => ({
    displayName: 'Mallory',
    tenantId: DEMO_IDS.contoso.tenantId,
    clientId: DEMO_IDS.contoso.clientId,
    secretName: CONTOSO_SECRET,
    delivery: { blobServiceUrl: `${attackerUrl}/stmallory`, container: 'loot' },
  });

  it('is refused at onboarding: the delivery URL is not an Azure service host (400), nothing registered', async () => {
    const answer = await call('PUT', '/customers/mallory', mallory());
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('ServiceHostNotAllowed');
    expect(answer.body.detail).toContain('delivery.blobServiceUrl');
    expect(await api.app.services.registry.find('mallory')).toBeUndefined();
    expect(received).toEqual([]);
  });

  it('sends no token even for a registration stored before the allow-list (test run and collection)', async () => {
    // As if written by an older version: contoso's own record pointed at the attacker.
    const contoso = await api.app.services.registry.get('contoso');
    await api.app.services.registry.put(
      CustomerRegistry.validate({ ...contoso, delivery: { blobServiceUrl: `${attackerUrl}/stx`, container: 'loot' } }),
    );
    try {
      const test = await call('POST', '/customers/contoso/test');
      expect(test.status).toBe(200);
      expect(JSON.stringify(test.body)).toContain('DeliveryHostNotAllowed');
      const collect = await call('POST', '/customers/contoso/collect');
      expect(collect.status).toBe(202);
      await api.host.waitForIdle();
      const status = await api.app.services.statuses.find('contoso');
      expect(JSON.stringify(status)).toContain('DeliveryHostNotAllowed');
      expect(received).toEqual([]);
    } finally {
      await api.app.services.registry.put(contoso);
    }
  });
});

describe("attack 2: a registration that names contoso's secret", () => {
  const mallory = { displayName: 'Mallory', tenantId: DEMO_IDS.contoso.tenantId, clientId: DEMO_IDS.contoso.clientId };

  it("refuses to register it (403), with or without a new secret value, and leaves contoso's secret as it was", async () => {
    const before = contosoSecret();
    const useIt = await call('PUT', '/customers/mallory', { ...mallory, secretName: CONTOSO_SECRET });
    expect(useIt.status).toBe(403);
    expect(useIt.body.code).toBe('SecretOwnedByAnotherCustomer');
    const overwrite = await call('PUT', '/customers/mallory', {
      ...mallory,
      secretName: CONTOSO_SECRET,
      secret: 'mallory-overwrites-contoso',
    });
    expect(overwrite.status).toBe(403);
    expect(await api.app.services.registry.find('mallory')).toBeUndefined();
    expect(contosoSecret()?.version).toBe(before?.version);
    expect(contosoSecret()?.value).toBe(before?.value);
  });

  it('refuses an untagged secret at a name the product did not give this customer (409)', async () => {
    api.app.env.sandbox.state.setVaultSecret('hand-made-secret', 'someone-elses-value');
    const answer = await call('PUT', '/customers/mallory', { ...mallory, secretName: 'hand-made-secret' });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('SecretNotTagged');
    expect(answer.body.detail).toContain('--tags customerId=mallory');
  });

  it("never reads, rotates or deletes contoso's secret for a registration stored before ownership existed", async () => {
    await api.app.services.registry.put(
      CustomerRegistry.validate({ id: 'mallory', ...mallory, secretName: CONTOSO_SECRET }),
    );
    const before = contosoSecret();
    const test = await call('POST', '/customers/mallory/test');
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(false);
    expect(JSON.stringify(test.body)).toContain('SecretNotOwned');
    const rotate = await call('POST', '/customers/mallory/rotate-secret', { secret: 'mallory-rotates-contoso' });
    expect(rotate.status).toBe(403);
    expect(rotate.body.code).toBe('SecretOwnedByAnotherCustomer');
    const removed = await call('DELETE', '/customers/mallory');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({
      secretDeleted: false,
      secretKept: `${CONTOSO_SECRET} belongs to another customer`,
    });
    expect(contosoSecret()).toMatchObject({ version: before?.version, value: before?.value });
    expect(api.app.env.sandbox.state.findDeletedVaultSecret(CONTOSO_SECRET)).toBeUndefined();
  });
});

describe('re-onboarding and rotation after a removal', () => {
  const customer = {
    displayName: 'Returning Co',
    tenantId: '6e6e0000-0000-4000-8000-000000000001',
    clientId: '6e6e0000-0000-4000-8000-000000000002',
  };
  const vault = () => api.app.env.sandbox.state;

  it('recovers the soft-deleted secret of the same customer instead of failing with 500', async () => {
    expect((await call('PUT', '/customers/returning', { ...customer, secret: 'first-value' })).status).toBe(201);
    const removed = await call('DELETE', '/customers/returning');
    expect(removed.body.secretDeleted).toBe(true);
    expect(vault().findDeletedVaultSecret('customer-returning-secret')).toBeDefined();

    const again = await call('PUT', '/customers/returning', { ...customer, secret: 'second-value' });
    expect(again.status).toBe(201);
    expect(again.body.secretRecovered).toBe(true);
    expect(vault().findVaultSecret('customer-returning-secret')).toMatchObject({
      value: 'second-value',
      tags: expect.objectContaining({ customerId: 'returning' }),
    });

    // Without a new value, re-onboarding brings the old one back.
    await call('DELETE', '/customers/returning');
    const restored = await call('PUT', '/customers/returning', customer);
    expect(restored.status).toBe(201);
    expect(restored.body.secretRecovered).toBe(true);
    expect(vault().findVaultSecret('customer-returning-secret')?.value).toBe('second-value');
  });

  it('rotation recovers a secret deleted out of band, and says exactly what blocks it when recovery is refused', async () => {
    vault().deleteVaultSecret('customer-returning-secret');
    const rotated = await call('POST', '/customers/returning/rotate-secret', { secret: 'third-value' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secretRecovered).toBe(true);
    expect(vault().findVaultSecret('customer-returning-secret')?.value).toBe('third-value');

    vault().deleteVaultSecret('customer-returning-secret');
    // Key Vault keeps failing the recover call: the answer says what is in the way and how to clear it.
    vault().injectFault({
      service: 'vault',
      match: (path) => path.includes('/deletedsecrets/customer-returning-secret/recover'),
      status: 503,
      retryAfterSeconds: 0,
      times: 10,
    });
    try {
      const blocked = await call('POST', '/customers/returning/rotate-secret', { secret: 'fourth-value' });
      expect(blocked.status).toBe(409);
      expect(blocked.body.code).toBe('SecretDeletedButRecoverable');
      expect(blocked.body.detail).toContain('az keyvault secret recover');
    } finally {
      vault().clearFaults();
    }

    // Without the right to read deleted secrets, ownership cannot be checked: the role to assign is named.
    const mi = DEMO_IDS.managedIdentity.objectId;
    const held = vault()
      .listRoleAssignments(vault().vaultResourceId)
      .filter((a) => a.principalId === mi);
    vault().removeRole(mi, vault().vaultResourceId);
    vault().assignRole(mi, vault().vaultResourceId, 'Key Vault Secrets User');
    try {
      const denied = await call('POST', '/customers/returning/rotate-secret', { secret: 'fifth-value' });
      expect(denied.body.code).toBe('KeyVaultPermissionMissing');
      expect(denied.body.detail).toContain('Key Vault Secrets Officer');
    } finally {
      vault().removeRole(mi, vault().vaultResourceId);
      for (const a of held) vault().assignRole(a.principalId, a.scope, a.roleName);
    }
  });
});
