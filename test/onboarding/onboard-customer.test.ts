import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { putCustomer } from '../../lib/http/customer-handlers';
import { deleteCustomer, rotateSecret } from '../../lib/http/onboarding-handlers';
import { withProblemResponses } from '../../lib/http/with-problem-responses';
import { createClientCertificate } from '../../lib/local/sandbox/create-client-certificate';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

const DAY = 86_400_000;
/** A customer onboarded from scratch in these tests: tenant, subscription, app and VM made here. */
const NEW = {
  tenantId: '4c4c0000-0000-4000-8000-000000000001',
  subscriptionId: '4c4c0000-0000-4000-8000-000000000002',
  secretApp: { clientId: '4c4c0000-0000-4000-8000-000000000003', objectId: '4c4c0000-0000-4000-8000-000000000004' },
  certApp: { clientId: '4c4c0000-0000-4000-8000-000000000005', objectId: '4c4c0000-0000-4000-8000-000000000006' },
};
const VM = `/subscriptions/${NEW.subscriptionId}/resourceGroups/rg-pos/providers/Microsoft.Compute/virtualMachines/vm-pos`;
const FIRST_SECRET = 'fourthcoffee-first-secret-value-0123456789';
const SECOND_SECRET = 'fourthcoffee-rotated-secret-value-98765';

/** Response JSON, read loosely: the assertions check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only reading of JSON answers
type Loose = Record<string, any>;

let app: TestApp;
let certificate: ReturnType<typeof createClientCertificate>;
const responses: string[] = [];
let run = 0;

async function call(
  handler: (
    services: TestApp['services'],
    request: HttpRequest,
    context: InvocationContext,
  ) => Promise<HttpResponseInit>,
  method: string,
  id: string,
  options: { body?: unknown; query?: Record<string, string>; path?: string } = {},
): Promise<{ status: number; body: Loose }> {
  const request = new HttpRequest({
    method,
    url: `http://localhost/api/customers/${id}${options.path ?? ''}`,
    params: { id },
    ...(options.query ? { query: options.query } : {}),
    ...(options.body !== undefined
      ? { body: { string: JSON.stringify(options.body) }, headers: { 'content-type': 'application/json' } }
      : {}),
  });
  const context = new InvocationContext({ functionName: 'test', invocationId: `i-${++run}` });
  const response = await withProblemResponses((r, c) => handler(app.services, r, c))(request, context);
  const text = JSON.stringify(response.jsonBody ?? {});
  responses.push(text);
  return { status: response.status ?? 200, body: JSON.parse(text) as Loose };
}

const message = (customerId: string): CollectMessage => ({
  version: 1,
  runId: `20261122T0800Z-${(++run).toString(16).padStart(8, '0')}`,
  customerId,
  windowStart: '2026-11-22T08:00:00.000Z',
  windowEnd: '2026-11-22T09:00:00.000Z',
  trigger: 'schedule',
});

const registration = (authMode: 'clientSecret' | 'certificate', clientId: string) => ({
  displayName: 'Fourth Coffee',
  tenantId: NEW.tenantId,
  clientId,
  authMode,
  resources: [{ resourceId: VM, metrics: ['Percentage CPU'] }],
});

beforeAll(async () => {
  app = await startTestApp();
  const state = app.env.sandbox.state;
  state.addTenant(NEW.tenantId, 'Fourth Coffee');
  state.addSubscription(NEW.subscriptionId, NEW.tenantId);
  state.putResource({ id: VM, location: 'West Europe', properties: { hardwareProfile: { vmSize: 'Standard_B2s' } } });
  // What the customer does with the setup kit: an app per mode, Reader on the subscription.
  state.addApp({
    tenantId: NEW.tenantId,
    ...NEW.secretApp,
    secrets: [{ value: FIRST_SECRET, expiresAt: new Date(Date.now() + 90 * DAY) }],
  });
  certificate = createClientCertificate({
    commonName: 'fourthcoffee',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 180 * DAY),
  });
  state.addApp({
    tenantId: NEW.tenantId,
    ...NEW.certApp,
    certificates: [{ certificatePem: certificate.certificatePem }],
  });
  for (const principal of [NEW.secretApp.objectId, NEW.certApp.objectId]) {
    state.assignRole(principal, `/subscriptions/${NEW.subscriptionId}`, 'Reader');
  }
});
afterAll(async () => app?.close());

describe('onboardCustomer (PUT /api/customers/{id})', () => {
  it('stores a client secret in Key Vault with expiry, content type and tags, registers the customer and passes the test run', async () => {
    // Key Vault keeps whole seconds.
    const expiresOn = new Date(Math.floor((Date.now() + 90 * DAY) / 1000) * 1000).toISOString();
    const { status, body } = await call(putCustomer, 'PUT', 'fourthcoffee', {
      body: { ...registration('clientSecret', NEW.secretApp.clientId), secret: FIRST_SECRET, expiresOn },
    });
    expect(status).toBe(201);
    expect(body.test).toMatchObject({ ok: true, verdict: 'ready to collect' });
    expect(body.secret).toMatchObject({
      name: 'customer-fourthcoffee-secret',
      contentType: 'client-secret',
      expiresOn,
    });
    const stored = app.env.sandbox.state.findVaultSecret('customer-fourthcoffee-secret');
    expect(stored).toMatchObject({ value: FIRST_SECRET, contentType: 'client-secret', version: body.secret.version });
    expect(stored?.tags).toMatchObject({
      customerId: 'fourthcoffee',
      authMode: 'clientSecret',
      tenantId: NEW.tenantId,
    });
    expect(stored?.expiresOn?.toISOString()).toBe(expiresOn);
    // The test run that follows onboarding reached into the customer's tenant: it is in the access audit.
    const audit = await app.services.audit.query(
      'fourthcoffee',
      new Date(Date.now() - 3_600_000),
      new Date(Date.now() + 60_000),
      100,
    );
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((e) => e.runId.startsWith('test-'))).toBe(true);
    expect(await app.services.registry.get('fourthcoffee')).toMatchObject({
      authMode: 'clientSecret',
      secretName: 'customer-fourthcoffee-secret',
    });
  });

  it('stores a certificate PEM (with its expiry) for a certificate customer and the test run signs in with it', async () => {
    const { status, body } = await call(putCustomer, 'PUT', 'fourthcoffee-cert', {
      body: { ...registration('certificate', NEW.certApp.clientId), certificate: certificate.pem },
    });
    expect(status).toBe(201);
    expect(body.test).toMatchObject({ ok: true });
    const stored = app.env.sandbox.state.findVaultSecret('customer-fourthcoffee-cert-secret');
    expect(stored?.contentType).toBe('application/x-pem-file');
    expect(stored?.expiresOn?.getTime()).toBe(Math.floor(certificate.notAfter.getTime() / 1000) * 1000);
    expect((await collectCustomer(message('fourthcoffee-cert'), app.services, recordingLogger())).outcome).toBe('ok');
  });

  it('registers a secretless (federated) customer without touching Key Vault', async () => {
    const adatum = await app.services.registry.get('adatum');
    const { status, body } = await call(putCustomer, 'PUT', 'adatum', {
      body: { ...adatum, displayName: 'Adatum Corp.' },
    });
    expect(status).toBe(200);
    expect(body.secret).toBeUndefined();
    expect(body.test.ok).toBe(true);
    expect(app.env.sandbox.state.findVaultSecret('customer-adatum-secret')).toBeUndefined();
  });

  it('refuses bad input before writing anything, never echoing the secret', async () => {
    const before = app.env.sandbox.state.listVaultSecrets().length;
    const cases = [
      {
        body: { ...registration('clientSecret', NEW.secretApp.clientId), clientSecret: 'echo-me-not-1234567890' },
        code: 'SecretInRequest',
      },
      {
        body: {
          ...registration('clientSecret', NEW.secretApp.clientId),
          tenantId: 'not-a-guid',
          secret: 'echo-me-not-1234567890',
        },
        code: 'InvalidCustomer',
      },
      {
        body: { ...(await app.services.registry.get('adatum')), id: undefined, secret: 'echo-me-not-1234567890' },
        code: 'SecretNotUsed',
      },
      {
        body: {
          ...registration('certificate', NEW.certApp.clientId),
          certificate:
            certificate.certificatePem +
            createClientCertificate({ commonName: 'x', notBefore: new Date(), notAfter: new Date(Date.now() + DAY) })
              .privateKeyPem,
        },
        code: 'InvalidCertificate',
      },
      {
        body: {
          ...registration('clientSecret', NEW.secretApp.clientId),
          secret: 'echo-me-not-1234567890',
          expiresOn: '2001-01-01T00:00:00Z',
        },
        code: 'CredentialExpired',
      },
    ];
    for (const { body, code } of cases) {
      const response = await call(putCustomer, 'PUT', 'rejected', { body });
      expect(response.status, code).toBe(400);
      expect(response.body.code, code).toBe(code);
      expect(JSON.stringify(response.body)).not.toContain('echo-me-not');
      expect(JSON.stringify(response.body)).not.toContain('PRIVATE KEY');
    }
    expect(app.env.sandbox.state.listVaultSecrets()).toHaveLength(before);
    expect(await app.services.registry.find('rejected')).toBeUndefined();
  });
});

describe('rotateCustomerSecret (POST /api/customers/{id}/rotate-secret)', () => {
  it('writes a new version that the worker uses at once, without a restart', async () => {
    const state = app.env.sandbox.state;
    expect((await collectCustomer(message('fourthcoffee'), app.services, recordingLogger())).outcome).toBe('ok');
    const oldVersion = state.findVaultSecret('customer-fourthcoffee-secret')?.version ?? '';
    expect(app.services.credentials.isCached('fourthcoffee', oldVersion)).toBe(true);
    // The customer creates a new secret and deletes the old one.
    state.addClientSecret(NEW.tenantId, NEW.secretApp.clientId, {
      value: SECOND_SECRET,
      expiresAt: new Date(Date.now() + 90 * DAY),
    });
    const { status, body } = await call(rotateSecret, 'POST', 'fourthcoffee', {
      path: '/rotate-secret',
      body: { secret: SECOND_SECRET },
    });
    expect(status).toBe(200);
    expect(body.secret.version).not.toBe(oldVersion);
    expect(body.test.ok).toBe(true);
    const firstKeyId = state.findApp(NEW.tenantId, NEW.secretApp.clientId)?.secrets[0]?.keyId ?? '';
    state.removeClientSecret(NEW.tenantId, NEW.secretApp.clientId, firstKeyId);

    expect((await collectCustomer(message('fourthcoffee'), app.services, recordingLogger())).outcome).toBe('ok');
    expect(app.services.credentials.isCached('fourthcoffee', body.secret.version)).toBe(true);
    expect(app.services.credentials.isCached('fourthcoffee', oldVersion)).toBe(false);
  });

  it('explains a disabled secret as such (not as a missing role), and rotating it restores collection', async () => {
    const state = app.env.sandbox.state;
    const name = 'customer-fourthcoffee-secret';
    const current = state.findVaultSecret(name);
    if (!current) throw new Error('fourthcoffee has a secret from the test before');
    current.enabled = false;
    app.services.secrets.forget(name);

    const failed = await collectCustomer(message('fourthcoffee'), app.services, recordingLogger());
    expect(failed.outcome).toBe('failed');
    expect(failed.diagnosis).toMatchObject({ code: 'SecretDisabled', who: 'provider', stage: 'keyVault' });
    expect(failed.diagnosis?.commands?.azCli).toContain(`--name ${name} --enabled true`);

    // Rotation reads the disabled version's ownership tag from the version list, then writes a new version.
    const { status, body } = await call(rotateSecret, 'POST', 'fourthcoffee', {
      path: '/rotate-secret',
      body: { secret: SECOND_SECRET },
    });
    expect(status).toBe(200);
    expect(state.findVaultSecret(name)).toMatchObject({ enabled: true, tags: { customerId: 'fourthcoffee' } });
    expect((await collectCustomer(message('fourthcoffee'), app.services, recordingLogger())).outcome).toBe('ok');
    expect(body.secret.version).toBe(state.findVaultSecret(name)?.version);
  });

  it('refuses to rotate a customer without a secret, and an unknown customer', async () => {
    expect(
      (await call(rotateSecret, 'POST', 'litware', { path: '/rotate-secret', body: { secret: 'x-1234567890' } })).body
        .code,
    ).toBe('SecretNotUsed');
    expect(
      (await call(rotateSecret, 'POST', 'nobody', { path: '/rotate-secret', body: { secret: 'x-1234567890' } })).status,
    ).toBe(404);
  });
});

describe('removeCustomer (DELETE /api/customers/{id})', () => {
  it('deletes the registration and soft-deletes the secret, keeping data unless asked to purge', async () => {
    // Its health row exists after a collection; it must go with the registration.
    await collectCustomer(message('fourthcoffee-cert'), app.services, recordingLogger());
    await app.services.health.put({
      customerId: 'fourthcoffee-cert',
      state: 'healthy',
      reason: 'seeded by the test',
      consecutiveFailures: 0,
      secretExpiry: 'ok',
      changedAt: '2026-11-22T09:00:00.000Z',
      evaluatedAt: '2026-11-22T09:00:00.000Z',
    });
    const { status, body } = await call(deleteCustomer, 'DELETE', 'fourthcoffee-cert');
    expect(status).toBe(200);
    expect(await app.services.health.find('fourthcoffee-cert')).toBeUndefined();
    expect(await app.services.statuses.find('fourthcoffee-cert')).toBeUndefined();
    expect(body).toEqual({ customerId: 'fourthcoffee-cert', secretDeleted: true });
    expect(await app.services.registry.find('fourthcoffee-cert')).toBeUndefined();
    expect(app.env.sandbox.state.findVaultSecret('customer-fourthcoffee-cert-secret')).toBeUndefined();
    expect(app.env.sandbox.state.findDeletedVaultSecret('customer-fourthcoffee-cert-secret')).toBeDefined();
    expect(
      (
        await app.services.metricsTable.query({
          customerId: 'fourthcoffee-cert',
          resourceId: VM,
          metric: 'Percentage CPU',
          from: new Date(0),
          to: new Date('2100-01-01'),
        })
      ).length,
    ).toBeGreaterThan(0);
  });

  it("with purgeData removes the customer's datapoints and snapshots, and no other customer's", async () => {
    await collectCustomer(message('contoso'), app.services, recordingLogger());
    expect(await app.services.metricsTable.deleteCustomer('nobody-at-all')).toBe(0);
    const { body } = await call(deleteCustomer, 'DELETE', 'fourthcoffee', { query: { purgeData: 'true' } });
    // Every collection of it used the same window: 12 five-minute points and 4 of the look-back, one snapshot.
    expect(body).toEqual({ customerId: 'fourthcoffee', secretDeleted: true, purged: { datapoints: 16, snapshots: 1 } });
    const range = { resourceId: VM, metric: 'Percentage CPU', from: new Date(0), to: new Date('2100-01-01') };
    expect(await app.services.metricsTable.query({ customerId: 'fourthcoffee', ...range })).toEqual([]);
    const window = { start: new Date('2026-11-22T08:00:00.000Z'), end: new Date('2026-11-22T09:00:00.000Z') };
    expect(await app.services.snapshots.read('fourthcoffee', window)).toBeUndefined();
    expect(await app.services.snapshots.read('contoso', window)).toBeDefined();
    expect((await call(deleteCustomer, 'DELETE', 'fourthcoffee')).status).toBe(404);
  });

  it('never put a secret or key into any response', () => {
    const all = responses.join('\n');
    expect(all).toContain('fourthcoffee');
    for (const secret of [FIRST_SECRET, SECOND_SECRET, 'PRIVATE KEY', ...app.secretValues])
      expect(all).not.toContain(secret);
  });
});
