import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeOf } from '../../support/shape-of';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';
import { readAzureSpec } from '../../support/azure-spec-examples';

const EXAMPLES = 'keyvault/data-plane/Microsoft.KeyVault/stable/7.5/examples';

function loadExampleBody(file: string): Record<string, unknown> {
  const example = readAzureSpec<{
    responses: { 200: { body: Record<string, unknown> } };
  }>(`${EXAMPLES}/${file}`);
  return example.responses[200].body;
}

describe('sandbox Key Vault', () => {
  let sandbox: SandboxCloud;
  let client: SecretClient;
  const expiresOn = new Date('2031-02-03T04:05:06Z');

  const getToken = async (): Promise<string> => {
    const res = await fetch(
      `${sandbox.urls.identityEndpoint}?api-version=2019-08-01&resource=https://vault.azure.net`,
      {
        headers: { 'X-IDENTITY-HEADER': sandbox.identityHeader },
      },
    );
    return ((await res.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    trustCertificate(certificate.caPem);
    sandbox = await startSandboxCloud({ certificate });
    process.env.IDENTITY_ENDPOINT = sandbox.urls.identityEndpoint;
    process.env.IDENTITY_HEADER = sandbox.identityHeader;
    sandbox.state.assignRole(
      sandbox.managedIdentity.objectId,
      sandbox.state.vaultResourceId,
      'Key Vault Secrets Officer',
    );
    sandbox.state.setVaultSecret('customer-contoso-secret', 'contoso-value', {
      expiresOn,
      contentType: 'client-secret',
      tags: { customer: 'contoso' },
    });
    client = new SecretClient(sandbox.urls.keyVault, new ManagedIdentityCredential(), {
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
  });
  afterAll(async () => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    await sandbox.close();
  });

  it('returns the secret value and maps attributes.exp to properties.expiresOn', async () => {
    const secret = await client.getSecret('customer-contoso-secret');
    expect(secret.value).toBe('contoso-value');
    expect(secret.properties.expiresOn?.toISOString()).toBe(expiresOn.toISOString());
    expect(secret.properties.contentType).toBe('client-secret');
    expect(secret.properties.tags).toEqual({ customer: 'contoso' });
    expect(secret.properties.version).toMatch(/^[0-9a-f]{32}$/);
  });

  it('challenges unauthenticated requests with the home tenant authority and the vault resource', async () => {
    const res = await fetch(`${sandbox.urls.keyVault}/secrets/customer-contoso-secret/?api-version=7.5`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer authorization="${sandbox.urls.authorityHost}/${sandbox.homeTenantId}", resource="https://vault.azure.net"`,
    );
  });

  it('sets a secret (new version becomes current) and reads an older version by id', async () => {
    const first = await client.setSecret('rotating', 'v1');
    const second = await client.setSecret('rotating', 'v2', { expiresOn, tags: { rotated: 'yes' } });
    expect(second.properties.version).not.toBe(first.properties.version);
    expect((await client.getSecret('rotating')).value).toBe('v2');
    expect((await client.getSecret('rotating', { version: first.properties.version ?? '' })).value).toBe('v1');
    expect(second.properties.expiresOn?.toISOString()).toBe(expiresOn.toISOString());
  });

  it('answers a missing secret with 404 SecretNotFound', async () => {
    await expect(client.getSecret('customer-nobody-secret')).rejects.toMatchObject({
      statusCode: 404,
      code: 'SecretNotFound',
    });
  });

  it('answers 403 Forbidden (ForbiddenByRbac) when the identity lacks a Key Vault secrets role', async () => {
    sandbox.state.removeRole(sandbox.managedIdentity.objectId, sandbox.state.vaultResourceId);
    try {
      const error = await client.getSecret('customer-contoso-secret').catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
      expect(String((error as Error).message)).toMatch(/^Caller is not authorized to perform action on resource/);
    } finally {
      sandbox.state.assignRole(
        sandbox.managedIdentity.objectId,
        sandbox.state.vaultResourceId,
        'Key Vault Secrets Officer',
      );
    }
  });

  it('lets Key Vault Secrets User read but not write', async () => {
    sandbox.state.removeRole(sandbox.managedIdentity.objectId, sandbox.state.vaultResourceId);
    sandbox.state.assignRole(sandbox.managedIdentity.objectId, sandbox.state.vaultResourceId, 'Key Vault Secrets User');
    try {
      await expect(client.getSecret('customer-contoso-secret')).resolves.toHaveProperty('value', 'contoso-value');
      await expect(client.setSecret('customer-contoso-secret', 'x')).rejects.toMatchObject({ statusCode: 403 });
    } finally {
      sandbox.state.assignRole(
        sandbox.managedIdentity.objectId,
        sandbox.state.vaultResourceId,
        'Key Vault Secrets Officer',
      );
    }
  });

  it('soft-deletes a secret: later reads are 404', async () => {
    await client.setSecret('to-delete', 'gone-soon');
    const poller = await client.beginDeleteSecret('to-delete');
    const deleted = await poller.pollUntilDone();
    expect(deleted.name).toBe('to-delete');
    expect(deleted.recoveryId).toBe(`${sandbox.urls.keyVault}/deletedsecrets/to-delete`);
    await expect(client.getSecret('to-delete')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('keeps tags per version and returns them with the properties', async () => {
    const first = await client.setSecret('tagged', 'v1', { tags: { customerId: 'contoso' } });
    const second = await client.setSecret('tagged', 'v2', { tags: { customerId: 'contoso', rotated: 'yes' } });
    expect(second.properties.tags).toEqual({ customerId: 'contoso', rotated: 'yes' });
    expect((await client.getSecret('tagged')).properties.tags).toEqual({ customerId: 'contoso', rotated: 'yes' });
    const old = await client.getSecret('tagged', { version: first.properties.version ?? '' });
    expect(old.properties.tags).toEqual({ customerId: 'contoso' });
  });

  it('refuses to set a deleted-but-recoverable name (409 ObjectIsDeletedButRecoverable) until it is recovered', async () => {
    await client.setSecret('recover-me', 'kept-value', { tags: { customerId: 'fabrikam' } });
    await (await client.beginDeleteSecret('recover-me')).pollUntilDone();
    await expect(client.setSecret('recover-me', 'new-value')).rejects.toMatchObject({
      statusCode: 409,
      code: 'Conflict',
      message: expect.stringContaining('deleted but recoverable'),
    });
    const deleted = await client.getDeletedSecret('recover-me');
    expect(deleted.properties.tags).toEqual({ customerId: 'fabrikam' });
    const recovered = await (await client.beginRecoverDeletedSecret('recover-me')).pollUntilDone();
    expect(recovered.name).toBe('recover-me');
    expect(recovered.tags).toEqual({ customerId: 'fabrikam' });
    expect((await client.getSecret('recover-me')).value).toBe('kept-value');
    await expect(client.getDeletedSecret('recover-me')).rejects.toMatchObject({ statusCode: 404 });
    expect((await client.setSecret('recover-me', 'new-value')).value).toBe('new-value');
  });

  it('recovers without returning the value, purges, and answers 404 for a name that is not deleted', async () => {
    const res = await fetch(`${sandbox.urls.keyVault}/deletedsecrets/never-deleted/recover?api-version=7.5`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await getToken()}` },
    });
    expect(res.status).toBe(404);
    await client.setSecret('purge-me', 'x');
    await (await client.beginDeleteSecret('purge-me')).pollUntilDone();
    const recover = await fetch(`${sandbox.urls.keyVault}/deletedsecrets/purge-me/recover?api-version=7.5`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await getToken()}` },
    });
    const body = (await recover.json()) as Record<string, unknown>;
    expect(recover.status).toBe(200);
    expect(body).not.toHaveProperty('value');
    expect(body.id).toMatch(/\/secrets\/purge-me\/[0-9a-f]{32}$/);
    await (await client.beginDeleteSecret('purge-me')).pollUntilDone();
    await client.purgeDeletedSecret('purge-me');
    await expect(client.getDeletedSecret('purge-me')).rejects.toMatchObject({ statusCode: 404 });
    expect((await client.setSecret('purge-me', 'fresh')).value).toBe('fresh');
  });

  it('answers GetSecret in the shape of GetSecret-example.json', async () => {
    sandbox.state.setVaultSecret('shape-get', 'x');
    const res = await fetch(`${sandbox.urls.keyVault}/secrets/shape-get/?api-version=7.5`, {
      headers: { authorization: `Bearer ${await getToken()}` },
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(shapeOf(body)).toEqual(shapeOf(loadExampleBody('GetSecret-example.json')));
    expect(body.id).toMatch(new RegExp(`^${sandbox.urls.keyVault}/secrets/shape-get/[0-9a-f]{32}$`));
  });

  it('answers SetSecret in the shape of SetSecret-example.json', async () => {
    const res = await fetch(`${sandbox.urls.keyVault}/secrets/shape-set?api-version=7.5`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await getToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'mysecretvalue' }),
    });
    expect(res.status).toBe(200);
    expect(shapeOf(await res.json())).toEqual(shapeOf(loadExampleBody('SetSecret-example.json')));
  });
});
