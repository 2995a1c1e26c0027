import { createServer } from 'node:net';
import { ResourceManagementClient } from '@azure/arm-resources';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CustomerCredentials } from '../../lib/auth/customer-credentials';
import { collectCustomer } from '../../lib/collect/collect-customer';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import type { Customer, CustomerInput } from '../../lib/customers/customer';
import { diagnoseError, type Diagnosis } from '../../lib/diagnose/diagnose-error';
import { CATALOGUE } from '../../lib/diagnose/diagnosis-catalogue';
import { runConnectionTest, type ConnectionTestReport } from '../../lib/diagnose/run-connection-test';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
const covered = new Set<string>();

const CONTOSO_SECRET = 'customer-contoso-secret';
const contosoVm = `/subscriptions/${DEMO_IDS.contoso.subscriptionId}/resourceGroups/rg-analytics/providers/Microsoft.Compute/virtualMachines/vm-contoso-gw`;
const fabrikamVm = `/subscriptions/${DEMO_IDS.fabrikam.subscriptionId}/resourceGroups/rg-apps/providers/Microsoft.Compute/virtualMachines/vm-fabrikam-web`;

function customer(id: string, overrides: Partial<CustomerInput> = {}): Customer {
  const base = app.env.scenario.customers.find((c) => c.id === id);
  if (!base) throw new Error(`no demo customer ${id}`);
  return CustomerRegistry.validate({ ...base, ...overrides });
}

/** Every diagnosis of a report (stages first, then resources). */
function diagnoses(report: ConnectionTestReport): Diagnosis[] {
  return [
    ...report.stages.flatMap((s) => (s.diagnosis ? [s.diagnosis] : [])),
    ...report.resources.flatMap((r) => (r.diagnosis ? [r.diagnosis] : [])),
  ];
}

/** The catalogue entry a diagnosis came from: transient Entra codes keep their AADSTS code but share one entry. */
function entryOf(d: Diagnosis): string {
  return d.title === 'Entra ID is temporarily unavailable' ? 'EntraTransientError' : d.code;
}

/** Runs the test run and returns its single diagnosis, asserting no secret leaked into the report. */
async function diagnose(target: Customer, deps = app.services): Promise<Diagnosis> {
  const report = await runConnectionTest(target, deps);
  expect(report.ok).toBe(false);
  const found = diagnoses(report);
  expect(found.length).toBeGreaterThan(0);
  assertNoSecrets(report);
  const first = found[0]!;
  covered.add(entryOf(first));
  return first;
}

function assertNoSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  for (const secret of app.secretValues) expect(text).not.toContain(secret);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});
afterEach(() => app.env.sandbox.state.clearFaults());

describe('runConnectionTest', () => {
  it('says "ready to collect" for contoso, with a verdict per resource and the metric names checked', async () => {
    const report = await runConnectionTest(customer('contoso'), app.services);
    expect(report).toMatchObject({ ok: true, verdict: 'ready to collect', problems: 0, customerMustAct: 0 });
    expect(report.resources.map((r) => r.verdict)).toEqual(['ready', 'ready', 'ready']);
    const pbi = report.resources.find((r) => r.resourceId.includes('PowerBIDedicated'));
    expect(pbi?.metrics).toMatchObject({ configured: ['cpu_metric', 'overload_metric'], missing: [], datapoints: 24 });
    expect(report.resources.find((r) => r.resourceId.includes('Fabric'))).toMatchObject({
      readable: true,
      state: 'Active',
      sku: 'F64',
      summary: 'readable (Active, F64); state only',
    });
  });

  it('checks every resource: names a metric the type does not define, with the valid names, before any 400', async () => {
    const target = customer('contoso', {
      resources: [{ resourceId: contosoVm, metrics: ['Percentage CPU', 'Bogus Metric'] }],
    });
    const report = await runConnectionTest(target, app.services);
    expect(report.verdict).toBe('1 problem, customer must act on 0');
    const [vm] = report.resources;
    expect(vm).toMatchObject({ verdict: 'problem', readable: true, metrics: { missing: ['Bogus Metric'] } });
    expect(vm?.diagnosis).toMatchObject({ code: 'MetricNotDefined', who: 'provider' });
    expect(vm?.diagnosis?.cause).toContain('Valid metrics: Percentage CPU');
    expect(vm?.diagnosis?.commands?.azCli).toContain(contosoVm);
    covered.add('MetricNotDefined');
  });
});

describe('diagnoseError through the sandbox', () => {
  it('AADSTS7000215: a secret ID stored instead of the value', async () => {
    const original = app.env.sandbox.state.findVaultSecret(CONTOSO_SECRET)!.value;
    app.env.sandbox.state.setVaultSecret(CONTOSO_SECRET, '7c1d2e3f-aaaa-bbbb-cccc-0123456789ab');
    try {
      const d = await diagnose(customer('contoso'));
      expect(d).toMatchObject({ code: 'AADSTS7000215', stage: 'token', who: 'customer', retryable: false });
      expect(d.cause).toContain('secret ID was sent instead of the secret value');
      expect(d.commands?.azCli).toContain(`az ad app credential reset --id ${DEMO_IDS.contoso.clientId}`);
      expect(d.commands?.powershell).toContain(DEMO_IDS.contoso.tenantId);
    } finally {
      app.env.sandbox.state.setVaultSecret(CONTOSO_SECRET, original);
    }
  });

  it('AADSTS7000222: fabrikam, whose secret expired', async () => {
    const d = await diagnose(customer('fabrikam'));
    expect(d).toMatchObject({ code: 'AADSTS7000222', who: 'customer', failureClass: 'permanent', retryable: false });
    expect(d.commands?.powershell).toContain(`New-AzADAppCredential -ApplicationId ${DEMO_IDS.fabrikam.clientId}`);
    expect(d.docs).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it('AADSTS90002: an unknown tenant, recovered from endpoints_resolution_error by probing the metadata', async () => {
    const tenantId = '0badbad0-0000-4000-8000-000000000000';
    const d = await diagnose(customer('contoso', { tenantId }));
    expect(d).toMatchObject({ code: 'AADSTS90002', stage: 'token', who: 'provider' });
    expect(d.cause).toContain(tenantId);
    expect(d.fix).toContain('contoso');
  });

  it('NetworkError: an unreachable authority is told apart from an unknown tenant', async () => {
    const authorityHost = `https://127.0.0.1:${await closedPort()}`;
    const deps = {
      ...app.services,
      credentials: new CustomerCredentials(authorityHost, app.services.appIdentity),
      settings: { ...app.services.settings, authorityHost },
    };
    const d = await diagnose(customer('contoso'), deps);
    expect(d).toMatchObject({ code: 'NetworkError', stage: 'token', retryable: true });
    expect(d.commands?.powershell).toContain('Test-NetConnection');
  });

  it('AADSTS700016: the app was deleted from the customer tenant', async () => {
    const { tenantId, clientId } = DEMO_IDS.contoso;
    app.env.sandbox.state.deleteApp(tenantId, clientId);
    try {
      const d = await diagnose(customer('contoso'));
      expect(d).toMatchObject({ code: 'AADSTS700016', who: 'customer' });
      expect(d.commands?.azCli).toBe(`az ad sp show --id ${clientId}`);
    } finally {
      app.env.sandbox.state.deleteApp(tenantId, clientId, true);
    }
  });

  it('AADSTS7000112: the enterprise application is disabled', async () => {
    const { tenantId, clientId } = DEMO_IDS.contoso;
    app.env.sandbox.state.setAppEnabled(tenantId, clientId, false);
    try {
      const d = await diagnose(customer('contoso'));
      expect(d).toMatchObject({ code: 'AADSTS7000112', who: 'customer' });
      expect(d.commands?.azCli).toContain(`az ad sp update --id ${clientId} --set accountEnabled=true`);
    } finally {
      app.env.sandbox.state.setAppEnabled(tenantId, clientId, true);
    }
  });

  it('AADSTS70021 and AADSTS700213: federated credential issuer or subject mismatch', async () => {
    const { state } = app.env.sandbox;
    const tenantId = DEMO_IDS.contoso.tenantId;
    const issuer = `https://login.microsoftonline.com/${state.homeTenantId}/v2.0`;
    const audience = 'api://AzureADTokenExchange';
    const wrongIssuer = 'c0c0c0c0-0000-4000-8000-0000000000f1';
    const wrongSubject = 'c0c0c0c0-0000-4000-8000-0000000000f2';
    state.addApp({ tenantId, clientId: wrongIssuer, objectId: 'c0c0c0c0-0000-4000-8000-0000000000e1' });
    state.addFederatedCredential(tenantId, wrongIssuer, {
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'x',
      audience,
    });
    state.addApp({ tenantId, clientId: wrongSubject, objectId: 'c0c0c0c0-0000-4000-8000-0000000000e2' });
    state.addFederatedCredential(tenantId, wrongSubject, { issuer, subject: 'not-the-identity', audience });

    const issuerMismatch = await diagnose(
      customer('contoso', { authMode: 'federatedIdentity', clientId: wrongIssuer }),
    );
    expect(issuerMismatch).toMatchObject({ code: 'AADSTS70021', who: 'customer' });
    expect(issuerMismatch.commands?.azCli).toContain(`az ad app federated-credential create --id ${wrongIssuer}`);
    const subjectMismatch = await diagnose(
      customer('contoso', { authMode: 'federatedIdentity', clientId: wrongSubject }),
    );
    expect(subjectMismatch).toMatchObject({ code: 'AADSTS700213', who: 'customer' });
    expect(subjectMismatch.commands?.powershell).toContain(`-ApplicationId ${wrongSubject}`);
  });

  it('AuthorizationFailed: northwind lacks a role on its VM; client, object id, action and scope are parsed', async () => {
    const report = await runConnectionTest(customer('northwind'), app.services);
    expect(report.verdict).toBe('1 problem, customer must act on 1');
    expect(report.resources.map((r) => r.verdict)).toEqual(['ready', 'problem']);
    const d = report.resources[1]!.diagnosis!;
    covered.add(d.code);
    const vm = `/subscriptions/${DEMO_IDS.northwind.subscriptionId}/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-northwind-db`;
    expect(d).toMatchObject({ code: 'AuthorizationFailed', who: 'customer', stage: 'arm' });
    expect(d.cause).toContain('Microsoft.Compute/virtualMachines/read');
    expect(d.commands?.powershell).toContain(
      `New-AzRoleAssignment -ObjectId ${DEMO_IDS.northwind.objectId} -RoleDefinitionName Reader -Scope '${vm}'`,
    );
    expect(d.commands?.azCli).toContain(`--assignee-object-id ${DEMO_IDS.northwind.objectId}`);
  });

  it("ManagedIdentityNotInCustomerTenant: tailspin uses the provider's managed identity directly", async () => {
    const d = await diagnose(customer('tailspin'));
    expect(d).toMatchObject({ code: 'ManagedIdentityNotInCustomerTenant', who: 'provider', stage: 'arm' });
    expect(d.cause).toContain(DEMO_IDS.managedIdentity.objectId);
    expect(d.cause).toContain('exists only in its home tenant');
    expect(d.fix).toMatch(/service principal.*federated credential.*Lighthouse/s);
    expect(d.commands?.azCli).toContain(`--scopes '/subscriptions/${DEMO_IDS.tailspin.subscriptionId}'`);
  });

  it('ManagedIdentityNotInCustomerTenant also when ARM refuses the home-tenant token outright', async () => {
    const { state } = app.env.sandbox;
    const scope = `/subscriptions/${DEMO_IDS.tailspin.subscriptionId}`;
    state.removeRole(DEMO_IDS.managedIdentity.objectId, scope);
    try {
      const d = await diagnose(customer('tailspin'));
      expect(d.code).toBe('ManagedIdentityNotInCustomerTenant');
      expect(d.rawMessage).toContain('The access token is from the wrong issuer');
    } finally {
      state.assignRole(DEMO_IDS.managedIdentity.objectId, scope, 'Reader');
    }
  });

  it("InvalidAuthenticationTokenTenant: a resource in another tenant's subscription names the owning tenant", async () => {
    const d = await diagnose(customer('contoso', { resources: [{ resourceId: fabrikamVm, metrics: [] }] }));
    expect(d).toMatchObject({ code: 'InvalidAuthenticationTokenTenant', who: 'provider' });
    expect(d.cause).toContain(`belongs to tenant ${DEMO_IDS.fabrikam.tenantId}`);
    expect(d.commands?.azCli).toContain(`--subscription ${DEMO_IDS.fabrikam.subscriptionId}`);
  });

  it('ResourceNotFound: a deleted or moved resource', async () => {
    const gone = contosoVm.replace('vm-contoso-gw', 'vm-deleted');
    const d = await diagnose(customer('contoso', { resources: [{ resourceId: gone, metrics: ['Percentage CPU'] }] }));
    expect(d).toMatchObject({ code: 'ResourceNotFound', who: 'provider', httpStatus: 404 });
    expect(d.commands?.azCli).toBe(`az resource show --ids '${gone}'`);
  });

  it('MetricNotDefined: the worker explains the ARM 400 with the valid names', async () => {
    const target = customer('contoso', {
      id: 'diag-metric',
      resources: [{ resourceId: contosoVm, metrics: ['Bogus Metric'] }],
    });
    // Its own copy of contoso's credential: a secret serves only the customer its tag names.
    const contosoValue = app.env.sandbox.state.findVaultSecret(CONTOSO_SECRET)?.value ?? '';
    app.env.sandbox.state.setVaultSecret('customer-diag-metric-secret', contosoValue, {
      tags: { customerId: 'diag-metric' },
    });
    await app.services.registry.put({ ...target, secretName: 'customer-diag-metric-secret' });
    const result = await collectCustomer(
      {
        version: 1,
        runId: 'diag-metric-1',
        customerId: 'diag-metric',
        windowStart: '2026-11-22T08:00:00.000Z',
        windowEnd: '2026-11-22T09:00:00.000Z',
        trigger: 'schedule',
      },
      app.services,
      recordingLogger(),
    );
    expect(result.diagnosis).toMatchObject({ code: 'MetricNotDefined', stage: 'metrics', httpStatus: 400 });
    expect(result.diagnosis?.cause).toContain('Bogus Metric');
    expect(result.diagnosis?.cause).toContain('Valid metrics: Percentage CPU');
  });

  it("KeyVaultForbidden: the app's identity lost Key Vault Secrets User; its object id is in the command", async () => {
    const { state } = app.env.sandbox;
    const mi = DEMO_IDS.managedIdentity.objectId;
    // Every Key Vault role of the identity (the app also holds Secrets Officer, to onboard customers).
    const held = state.listRoleAssignments(state.vaultResourceId).filter((a) => a.principalId === mi);
    state.removeRole(mi, state.vaultResourceId);
    try {
      const d = await diagnose(customer('contoso'));
      expect(d).toMatchObject({ code: 'KeyVaultForbidden', stage: 'keyVault', who: 'provider', httpStatus: 403 });
      expect(d.commands?.azCli).toContain(`--assignee-object-id ${DEMO_IDS.managedIdentity.objectId}`);
      // The sandbox vault is reached by IP, so its name is left for the operator to fill in.
      expect(d.commands?.azCli).toContain('az keyvault show -n <vault-name>');
    } finally {
      for (const a of held) state.assignRole(a.principalId, a.scope, a.roleName);
    }
  });

  it('SecretNotFound and SecretEmpty: the secret is missing, or has no value', async () => {
    const missing = await diagnose(customer('contoso', { secretName: 'customer-nobody-secret' }));
    expect(missing).toMatchObject({ code: 'SecretNotFound', who: 'provider', httpStatus: 404 });
    expect(missing.commands?.azCli).toContain('--name customer-nobody-secret');

    app.env.sandbox.state.setVaultSecret('customer-empty-secret', '', { tags: { customerId: 'contoso' } });
    const empty = await diagnose(customer('contoso', { secretName: 'customer-empty-secret' }));
    expect(empty).toMatchObject({ code: 'SecretEmpty', who: 'provider' });
  });

  it('SecretDisabled: a 403 for a disabled secret is not mistaken for a missing role', async () => {
    app.env.sandbox.state.setVaultSecret('customer-disabled-secret', 'x-disabled-value', {
      tags: { customerId: 'contoso' },
      enabled: false,
    });
    const d = await diagnose(customer('contoso', { secretName: 'customer-disabled-secret' }));
    expect(d).toMatchObject({ code: 'SecretDisabled', stage: 'keyVault', who: 'provider', httpStatus: 403 });
    expect(d.commands?.azCli).toContain('--name customer-disabled-secret --enabled true');
  });

  it("SecretNotOwned: a registration naming another customer's secret gets no value from it", async () => {
    const foreign = await diagnose(customer('contoso', { secretName: 'customer-fabrikam-secret' }));
    expect(foreign).toMatchObject({ code: 'SecretNotOwned', who: 'provider', stage: 'keyVault' });
    expect(foreign.commands?.azCli).toContain('--name customer-fabrikam-secret --tags customerId=<customer-id>');
    app.env.sandbox.state.setVaultSecret('hand-made-secret', 'untagged-value');
    const untagged = await diagnose(customer('contoso', { secretName: 'hand-made-secret' }));
    expect(untagged).toMatchObject({ code: 'SecretNotOwned' });
    expect(JSON.stringify([foreign, untagged])).not.toContain('untagged-value');
  });

  it('Throttled: ARM answers 429', async () => {
    app.env.sandbox.state.injectFault({
      service: 'arm',
      match: (p) => p.includes('vm-contoso-gw'),
      status: 429,
      times: 10,
    });
    const d = await diagnose(customer('contoso', { resources: [{ resourceId: contosoVm, metrics: [] }] }));
    expect(d).toMatchObject({ code: 'Throttled', who: 'nobody', retryable: true, httpStatus: 429 });
  });

  it('ServiceUnavailable: ARM keeps answering 503 after the SDK retries', async () => {
    app.env.sandbox.state.injectFault({
      service: 'arm',
      match: (p) => p.includes('vm-contoso-gw'),
      status: 503,
      retryAfterSeconds: 0,
      times: 10,
    });
    const d = await diagnose(customer('contoso', { resources: [{ resourceId: contosoVm, metrics: [] }] }));
    expect(d).toMatchObject({ code: 'ServiceUnavailable', retryable: true, httpStatus: 503 });
  });

  it('EntraTransientError: the token endpoint answers 503 AADSTS90033; the error has no HTTP status, yet it is transient', async () => {
    const { tenantId } = DEMO_IDS.contoso;
    app.env.sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p === `/${tenantId}/oauth2/v2.0/token`,
      status: 503,
      times: 10,
    });
    const d = await diagnose(customer('contoso'));
    expect(d).toMatchObject({ stage: 'token', code: 'AADSTS90033', who: 'nobody', failureClass: 'transient' });
    expect(d.title).toBe('Entra ID is temporarily unavailable');
    expect(d.httpStatus).toBeUndefined(); // MSAL drops it: classification must not depend on it
  });

  it('EntraTransientError: a throttled token request (429 AADSTS90055) is transient too', async () => {
    const { tenantId } = DEMO_IDS.contoso;
    app.env.sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p === `/${tenantId}/oauth2/v2.0/token`,
      status: 429,
      times: 10,
    });
    const d = await diagnose(customer('contoso'));
    expect(d).toMatchObject({ stage: 'token', code: 'AADSTS90055', failureClass: 'transient', retryable: true });
  });

  it('EntraTransientError: the tenant-metadata probe answers 503 AADSTS90033: transient with its status, not an unknown tenant', async () => {
    const { tenantId } = DEMO_IDS.contoso;
    app.env.sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p.startsWith(`/${tenantId}/v2.0/.well-known`),
      status: 503,
      times: 10,
    });
    const d = await diagnose(customer('contoso'));
    expect(d).toMatchObject({ stage: 'token', code: 'AADSTS90033', failureClass: 'transient', httpStatus: 503 });
  });

  it('ServiceUnavailable: a bare 503 on the tenant metadata (no Entra body) is an outage, not a network failure', async () => {
    const { tenantId } = DEMO_IDS.contoso;
    app.env.sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p.startsWith(`/${tenantId}/v2.0/.well-known`),
      status: 503,
      entraCode: null,
      times: 10,
    });
    const d = await diagnose(customer('contoso'));
    expect(d).toMatchObject({ stage: 'token', code: 'ServiceUnavailable', failureClass: 'transient', httpStatus: 503 });
  });

  it('MetricsBatchUnauthorized: a 401 from metrics:getBatch is told apart from other 401s', async () => {
    const { clientId, tenantId, subscriptionId, objectId } = DEMO_IDS.northwind;
    const secret = app.env.sandbox.state.findVaultSecret('customer-northwind-secret')!.value;
    const credential = new ClientSecretCredential(tenantId, clientId, secret, {
      authorityHost: app.env.sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
    // A real client pipeline against the sandbox's regional batch endpoint (it models the subscription-scope check).
    const client = new ResourceManagementClient(credential, subscriptionId, {
      endpoint: app.env.sandbox.urls.metrics,
      credentialScopes: ['https://metrics.monitor.azure.com/.default'],
      retryOptions: { maxRetries: 0 },
    });
    const storage = `/subscriptions/${subscriptionId}/resourceGroups/rg-shop/providers/Microsoft.Storage/storageAccounts/stnorthwind`;
    const request = createPipelineRequest({
      url: `${app.env.sandbox.urls.metrics}/northeurope/subscriptions/${subscriptionId}/metrics:getBatch?api-version=2024-02-01&metricnamespace=microsoft.storage/storageaccounts&metricnames=UsedCapacity`,
      method: 'POST',
      headers: createHttpHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ resourceids: [storage] }),
    });
    const response = await client.sendRequest(request);
    expect(response.status).toBe(401); // northwind holds Reader on its storage account only, not on the subscription
    const body = JSON.parse(response.bodyAsText ?? '{}') as { error: { code: string; message: string } };
    const error = new RestError(body.error.message, { code: body.error.code, statusCode: 401, request, response });
    const d = diagnoseError(error, 'metrics', { customerId: 'northwind', objectId });
    covered.add(d.code);
    expect(d).toMatchObject({ code: 'MetricsBatchUnauthorized', who: 'customer' });
    expect(d.commands?.azCli).toContain(`--role 'Monitoring Reader' --scope '/subscriptions/${subscriptionId}'`);
  });

  it('keeps an unknown error as it is (code and redacted message) instead of forcing it into an entry', async () => {
    const { tenantId, clientId } = DEMO_IDS.contoso;
    const message = {
      version: 1 as const,
      runId: 'diag-unknown-1',
      customerId: 'contoso',
      windowStart: '2026-11-22T08:00:00.000Z',
      windowEnd: '2026-11-22T09:00:00.000Z',
      trigger: 'schedule' as const,
    };
    await collectCustomer(message, app.services, recordingLogger()); // caches the credential and its token
    app.env.sandbox.state.deleteApp(tenantId, clientId);
    try {
      const result = await collectCustomer({ ...message, runId: 'diag-unknown-2' }, app.services, recordingLogger());
      expect(result.diagnosis).toMatchObject({
        code: 'InvalidAuthenticationToken',
        title: 'Unrecognised error',
        failureClass: 'unknown',
        retryable: false,
        httpStatus: 401,
      });
      expect(result.diagnosis?.rawMessage).toContain('principal does not exist');
      expect(result.diagnosis?.commands).toBeUndefined();
      assertNoSecrets(result);
    } finally {
      app.env.sandbox.state.deleteApp(tenantId, clientId, true);
    }
  });

  it('every catalogue entry was produced through the sandbox above', () => {
    // The certificate and Lighthouse entries are produced by the auth-mode tests (test/auth), the delivery
    // entries through the sandbox storage front by test/delivery, DeliveryHostNotAllowed by test/security.
    const producedElsewhere = [
      'AADSTS700024',
      'AADSTS700027',
      'LighthouseDelegationMissing',
      'DeliveryRoleMissing',
      'DeliveryPrincipalNotInTenant',
      'DeliveryContainerNotFound',
      'DeliveryHostNotAllowed',
    ];
    const expected = CATALOGUE.map((e) => e.code).filter((code) => !producedElsewhere.includes(code));
    expect([...covered].sort()).toEqual(expected.sort());
  });
});
