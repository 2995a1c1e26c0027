import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';

function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('sandbox managed identity endpoint', () => {
  let sandbox: SandboxCloud;

  beforeAll(async () => {
    sandbox = await startSandboxCloud({ certificate: await createLocalCertificate() });
    // ManagedIdentityCredential reads these when it is constructed.
    process.env.IDENTITY_ENDPOINT = sandbox.urls.identityEndpoint;
    process.env.IDENTITY_HEADER = sandbox.identityHeader;
  });
  afterAll(async () => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    await sandbox.close();
  });

  it('gives a real ManagedIdentityCredential a home-tenant token for the managed identity', async () => {
    const credential = new ManagedIdentityCredential({ clientId: sandbox.managedIdentity.clientId });
    const token = await credential.getToken('https://vault.azure.net/.default');
    expect(decodeClaims(token.token)).toMatchObject({
      tid: sandbox.homeTenantId,
      oid: sandbox.managedIdentity.objectId,
      appid: sandbox.managedIdentity.clientId,
      aud: 'https://vault.azure.net',
      iss: `https://sts.windows.net/${sandbox.homeTenantId}/`,
    });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
    const request = sandbox.requests.list('identity').at(-1);
    expect(request?.query).toContain('api-version=2019-08-01');
    expect(request?.query).toContain(`client_id=${sandbox.managedIdentity.clientId}`);
  });

  it('answers in the App Service shape with expires_on as a string of unix seconds', async () => {
    const url = `${sandbox.urls.identityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://storage.azure.com')}`;
    const res = await fetch(url, { headers: { 'X-IDENTITY-HEADER': sandbox.identityHeader } });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'client_id', 'expires_on', 'resource', 'token_type']);
    expect(body.expires_on).toMatch(/^\d{10}$/);
    expect(body).toMatchObject({
      resource: 'https://storage.azure.com',
      token_type: 'Bearer',
      client_id: sandbox.managedIdentity.clientId,
    });
  });

  it('refuses a request without the identity header', async () => {
    const res = await fetch(`${sandbox.urls.identityEndpoint}?api-version=2019-08-01&resource=https://vault.azure.net`);
    expect(res.status).toBe(401);
  });

  it('refuses an unknown user-assigned identity client id', async () => {
    const url = `${sandbox.urls.identityEndpoint}?api-version=2019-08-01&resource=https://vault.azure.net&client_id=00000000-0000-4000-8000-000000000000`;
    const res = await fetch(url, { headers: { 'X-IDENTITY-HEADER': sandbox.identityHeader } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/Managed Identity/);
  });
});
