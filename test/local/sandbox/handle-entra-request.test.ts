import { randomUUID } from 'node:crypto';
import { ClientAssertionCredential, ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';

const ARM_SCOPE = 'https://management.azure.com/.default';
const DAY_MS = 86_400_000;

function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('sandbox Entra ID', () => {
  let sandbox: SandboxCloud;
  const tenantId = randomUUID();
  const app = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID(), secretId: randomUUID() };
  const expiredApp = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };

  const credential = (tenant: string, clientId: string, secret: string) =>
    new ClientSecretCredential(tenant, clientId, secret, {
      authorityHost: sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    trustCertificate(certificate.caPem);
    sandbox = await startSandboxCloud({ certificate });
    sandbox.state.addTenant(tenantId, 'Customer');
    sandbox.state.addApp({
      tenantId,
      clientId: app.clientId,
      objectId: app.objectId,
      displayName: 'collector',
      secrets: [{ value: app.secret, keyId: app.secretId, expiresAt: new Date(Date.now() + 30 * DAY_MS) }],
    });
    sandbox.state.addApp({
      tenantId,
      clientId: expiredApp.clientId,
      objectId: expiredApp.objectId,
      secrets: [{ value: expiredApp.secret, expiresAt: new Date(Date.now() - DAY_MS) }],
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('issues an RS256 token in the customer tenant with tid, oid, appid, aud and sts issuer', async () => {
    const token = await credential(tenantId, app.clientId, app.secret).getToken(ARM_SCOPE);
    const claims = decodeClaims(token.token);
    expect(claims).toMatchObject({
      tid: tenantId,
      oid: app.objectId,
      appid: app.clientId,
      azp: app.clientId,
      aud: 'https://management.azure.com',
      iss: `https://sts.windows.net/${tenantId}/`,
    });
    expect(typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp - claims.iat).toBe(3599);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it('serves tenant metadata with the fields MSAL needs', async () => {
    const res = await fetch(`${sandbox.urls.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`);
    const body = (await res.json()) as Record<string, string>;
    expect(res.status).toBe(200);
    expect(body.token_endpoint).toBe(`${sandbox.urls.authorityHost}/${tenantId}/oauth2/v2.0/token`);
    expect(body.authorization_endpoint).toBe(`${sandbox.urls.authorityHost}/${tenantId}/oauth2/v2.0/authorize`);
    expect(body.issuer).toBe(`${sandbox.urls.authorityHost}/${tenantId}/v2.0`);
    expect(body.jwks_uri).toBe(`${sandbox.urls.authorityHost}/${tenantId}/discovery/v2.0/keys`);
  });

  it('answers an unknown tenant with an Entra AADSTS90002 body (400 invalid_request)', async () => {
    const unknown = randomUUID();
    const res = await fetch(`${sandbox.urls.authorityHost}/${unknown}/v2.0/.well-known/openid-configuration`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(400);
    expect(body.error).toBe('invalid_request');
    expect(body.error_codes).toEqual([90002]);
    expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS90002: Tenant '${unknown}' not found\\.`));
    expect(Object.keys(body).sort()).toEqual([
      'correlation_id',
      'error',
      'error_codes',
      'error_description',
      'error_uri',
      'timestamp',
      'trace_id',
    ]);
    expect(String(body.error_description)).toMatch(
      /Trace ID: .+\r\nCorrelation ID: .+\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
  });

  it('reports an unknown tenant through ClientSecretCredential as an endpoint resolution failure (the code is lost, as in Azure)', async () => {
    await expect(credential(randomUUID(), app.clientId, app.secret).getToken(ARM_SCOPE)).rejects.toThrow(
      /endpoints_resolution_error/,
    );
  });

  it.each([
    {
      name: 'a wrong secret (e.g. the secret id) gives AADSTS7000215',
      code: 'AADSTS7000215',
      status: 401,
      error: 'invalid_client',
      setup: () => ({ clientId: app.clientId, secret: app.secretId }),
    },
    {
      name: 'an expired secret gives AADSTS7000222',
      code: 'AADSTS7000222',
      status: 401,
      error: 'invalid_client',
      setup: () => ({ clientId: expiredApp.clientId, secret: expiredApp.secret }),
    },
    {
      name: 'an unknown app gives AADSTS700016',
      code: 'AADSTS700016',
      status: 400,
      error: 'unauthorized_client',
      setup: () => ({ clientId: randomUUID(), secret: 'x' }),
    },
  ])('$name', async ({ code, status, error, setup }) => {
    const { clientId, secret } = setup();
    await expect(credential(tenantId, clientId, secret).getToken(ARM_SCOPE)).rejects.toThrow(code);
    const form = new URLSearchParams({
      client_id: clientId,
      client_secret: secret,
      scope: ARM_SCOPE,
      grant_type: 'client_credentials',
    });
    const res = await fetch(`${sandbox.urls.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: form,
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(status);
    expect(body.error).toBe(error);
    expect(body.error_codes).toEqual([Number(code.slice(6))]);
  });

  it("answers a scripted outage with Entra's transient error body (503 temporarily_unavailable AADSTS90033), or a bare status", async () => {
    const tokenUrl = `${sandbox.urls.authorityHost}/${tenantId}/oauth2/v2.0/token`;
    sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p.endsWith('/oauth2/v2.0/token'),
      status: 503,
      times: 1,
    });
    const outage = await fetch(tokenUrl, { method: 'POST', body: 'grant_type=client_credentials' });
    expect(outage.status).toBe(503);
    const body = (await outage.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90033] });
    expect(String(body['error_description'])).toMatch(
      /^AADSTS90033: A transient error has occurred\. Please try again\.\r\nTrace ID: /,
    );

    sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p.endsWith('/oauth2/v2.0/token'),
      status: 429,
      times: 1,
    });
    const throttled = (await (await fetch(tokenUrl, { method: 'POST' })).json()) as Record<string, unknown>;
    expect(throttled).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90055] });

    sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p.endsWith('/openid-configuration'),
      status: 503,
      entraCode: null,
      times: 1,
    });
    const bare = await fetch(`${sandbox.urls.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`);
    expect(bare.status).toBe(503);
    expect(await bare.text()).toBe('');
  });

  it('names the app in the expired-secret message', async () => {
    await expect(credential(tenantId, expiredApp.clientId, expiredApp.secret).getToken(ARM_SCOPE)).rejects.toThrow(
      `AADSTS7000222: The provided client secret keys for app '${expiredApp.clientId}' are expired`,
    );
  });

  it('refuses a disabled app with AADSTS7000112 and accepts it again once re-enabled', async () => {
    sandbox.state.setAppEnabled(tenantId, app.clientId, false);
    await expect(credential(tenantId, app.clientId, app.secret).getToken(ARM_SCOPE)).rejects.toThrow('AADSTS7000112');
    sandbox.state.setAppEnabled(tenantId, app.clientId, true);
    await expect(credential(tenantId, app.clientId, app.secret).getToken(ARM_SCOPE)).resolves.toHaveProperty('token');
  });

  it('refuses a deleted app with AADSTS700016', async () => {
    const deleted = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };
    sandbox.state.addApp({
      tenantId,
      ...deleted,
      secrets: [{ value: deleted.secret, expiresAt: new Date(Date.now() + DAY_MS) }],
    });
    sandbox.state.deleteApp(tenantId, deleted.clientId);
    await expect(credential(tenantId, deleted.clientId, deleted.secret).getToken(ARM_SCOPE)).rejects.toThrow(
      'AADSTS700016',
    );
  });

  it('echoes MSAL client-request-id as correlation_id and never puts the secret in the error', async () => {
    const correlation = randomUUID();
    const form = new URLSearchParams({
      client_id: app.clientId,
      client_secret: 'not-the-secret',
      scope: ARM_SCOPE,
      grant_type: 'client_credentials',
    });
    const res = await fetch(`${sandbox.urls.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: form,
      headers: { 'client-request-id': correlation },
    });
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ correlation_id: correlation });
    expect(text).not.toContain('not-the-secret');
  });

  it('accepts a managed identity token as client assertion when the app trusts it (federated credential)', async () => {
    const multiTenant = { clientId: randomUUID(), objectId: randomUUID() };
    sandbox.state.addApp({ tenantId, ...multiTenant });
    const getAssertion = async (): Promise<string> => {
      const url = `${sandbox.urls.identityEndpoint}?api-version=2019-08-01&resource=api://AzureADTokenExchange`;
      const res = await fetch(url, { headers: { 'X-IDENTITY-HEADER': sandbox.identityHeader } });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const options = { authorityHost: sandbox.urls.authorityHost, disableInstanceDiscovery: true };

    await expect(
      new ClientAssertionCredential(tenantId, multiTenant.clientId, getAssertion, options).getToken(ARM_SCOPE),
    ).rejects.toThrow('AADSTS70021');

    sandbox.state.addFederatedCredential(tenantId, multiTenant.clientId, {
      issuer: `https://login.microsoftonline.com/${sandbox.homeTenantId}/v2.0`,
      subject: sandbox.managedIdentity.objectId,
      audience: 'api://AzureADTokenExchange',
    });
    const token = await new ClientAssertionCredential(tenantId, multiTenant.clientId, getAssertion, options).getToken(
      ARM_SCOPE,
    );
    expect(decodeClaims(token.token)).toMatchObject({
      tid: tenantId,
      oid: multiTenant.objectId,
      appid: multiTenant.clientId,
    });
  });
});
