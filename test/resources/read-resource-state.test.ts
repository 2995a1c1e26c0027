import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { newestStable } from '../../lib/resources/api-version-resolver';
import type { ArmClients } from '../../lib/resources/arm-clients';
import { readResourceState } from '../../lib/resources/read-resource-state';
import { startTestApp, type TestApp } from '../support/start-test-app';

const RG = `/subscriptions/${DEMO_IDS.contoso.subscriptionId}/resourceGroups/rg-analytics`;
const REDIS = `${RG}/providers/Microsoft.Cache/redis/cache-contoso`;
const REDIS_2 = `${RG}/providers/Microsoft.Cache/redis/cache-contoso-2`;
const FABRIC = `${RG}/providers/Microsoft.Fabric/capacities/fabriccontoso`;

let app: TestApp;
let clients: ArmClients;

const armCalls = () => app.env.sandbox.requests.list('arm').map((r) => `${r.method} ${r.path}${r.query}`);

beforeAll(async () => {
  app = await startTestApp();
  for (const id of [REDIS, REDIS_2]) {
    app.env.sandbox.state.putResource({ id, location: 'West Europe', sku: { name: 'Standard' }, properties: {} });
  }
  const contoso = app.env.scenario.customers.find((c) => c.id === 'contoso')!;
  const secret = (await app.services.secrets.read({ id: 'contoso', secretName: 'customer-contoso-secret' })).value;
  const credential = new ClientSecretCredential(contoso.tenantId, contoso.clientId, secret, {
    authorityHost: app.services.config.authorityHost,
    disableInstanceDiscovery: true,
  });
  clients = app.services.armClients.forCredential(credential);
});
afterAll(async () => app?.close());

describe('readResourceState', () => {
  it('reads a common type with its built-in API version, without asking the provider', async () => {
    app.env.sandbox.requests.clear();
    const { state } = await readResourceState(clients, FABRIC);
    expect(state).toMatchObject({ state: 'Active', sku: 'F64', type: 'Microsoft.Fabric/capacities' });
    expect(armCalls()).toEqual([expect.stringContaining('api-version=2023-11-01')]);
  });

  it('asks the provider once for a type it does not know, and uses its newest stable version', async () => {
    app.env.sandbox.requests.clear();
    expect((await readResourceState(clients, REDIS)).state).toMatchObject({ name: 'cache-contoso', sku: 'Standard' });
    expect((await readResourceState(clients, REDIS_2)).state.name).toBe('cache-contoso-2');
    const calls = armCalls();
    expect(calls.filter((c) => c.startsWith('GET /providers/Microsoft.Cache?'))).toHaveLength(1);
    expect(calls.filter((c) => c.includes('/redis/') && c.includes('api-version=2024-03-01'))).toHaveLength(2);
  });

  it('would be refused by ARM with a guessed version, which is why it asks', async () => {
    const error = await clients.resources.resources.getById(REDIS, '2022-09-01').catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, code: 'NoRegisteredProviderFound' });
  });
});

describe('newestStable', () => {
  it('prefers the newest non-preview version, and takes a preview only when nothing else exists', () => {
    expect(newestStable(['2023-08-01', '2024-11-01-preview', '2024-03-01'])).toBe('2024-03-01');
    expect(newestStable(['2025-01-01-preview', '2024-06-01-preview'])).toBe('2025-01-01-preview');
    expect(newestStable([])).toBeUndefined();
  });
});
