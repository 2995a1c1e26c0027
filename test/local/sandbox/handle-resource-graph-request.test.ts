import { ServiceClient } from '@azure/core-client';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../../lib/customers/customer';
import { buildResourceGraphQuery } from '../../../lib/discovery/build-resource-graph-query';
import { queryResourceGraph, RESOURCE_GRAPH_API_VERSION } from '../../../lib/discovery/query-resource-graph';
import { AUTH_MODE_DEMO_IDS } from '../../../lib/local/demo/build-auth-mode-demo';
import { DEMO_IDS } from '../../../lib/local/demo/build-demo-scenario';
import type { ArmClients } from '../../../lib/resources/arm-clients';
import { readAzureSpec } from '../../support/azure-spec-examples';
import { startTestApp, type TestApp } from '../../support/start-test-app';

const fixture = readAzureSpec<{
  parameters: { query: { query: string } };
  responses: { 200: { body: { data: Record<string, unknown>[] } & Record<string, unknown> } };
}>('resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01/examples/ResourcesBasicQuery.json');
const LITWARE_SUB = AUTH_MODE_DEMO_IDS.litware.subscriptionId;
const vmId = (name: string) =>
  `/subscriptions/${LITWARE_SUB}/resourceGroups/rg-etl/providers/Microsoft.Compute/virtualMachines/${name}`;

let app: TestApp;
let litware: ArmClients;
let contoso: ArmClients;

async function clientsFor(id: string): Promise<ArmClients> {
  const customer = (await app.services.registry.find(id)) as Customer;
  const secret = customer.authMode === 'clientSecret' ? await app.services.secrets.read(customer) : undefined;
  return app.services.armClients.forCredential(app.services.credentials.forCustomer(customer, secret));
}

async function post(clients: ArmClients, body: unknown) {
  const request = createPipelineRequest({
    url: `${app.env.appSettings.ARM_ENDPOINT}/providers/Microsoft.ResourceGraph/resources?api-version=${RESOURCE_GRAPH_API_VERSION}`,
    method: 'POST',
    body: JSON.stringify(body),
  });
  request.headers.set('content-type', 'application/json');
  const response = await clients.resources.sendRequest(request);
  return { status: response.status, body: JSON.parse(response.bodyAsText ?? 'null') as Record<string, unknown> };
}

beforeAll(async () => {
  app = await startTestApp();
  litware = await clientsFor('litware');
  contoso = await clientsFor('contoso');
});
afterAll(async () => app?.close());

describe('sandbox Resource Graph route', () => {
  it("answers the Azure example's query in the example's shape, with lower-case types", async () => {
    const { status, body } = await post(litware, {
      subscriptions: [LITWARE_SUB],
      query: fixture.parameters.query.query,
    });
    expect(status).toBe(200);
    const expected = fixture.responses[200].body;
    expect(Object.keys(body).sort()).toEqual(Object.keys(expected).sort());
    expect(body).toMatchObject({ resultTruncated: 'false', facets: [], count: 3, totalRecords: 3 });
    const rows = body.data as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(Object.keys(expected.data[0] ?? {}).sort());
      expect(row.type).toBe(String(row.type).toLowerCase());
    }
  });

  it('pages with $skipToken and the client follows it to the last page', async () => {
    for (const name of ['vm-a', 'vm-b', 'vm-c', 'vm-d']) {
      app.env.sandbox.state.putResource({ id: vmId(name), location: 'West Europe', properties: {} });
    }
    const first = await post(litware, {
      subscriptions: [LITWARE_SUB],
      query: buildResourceGraphQuery(['Microsoft.Compute/virtualMachines']),
      options: { $top: 2 },
    });
    expect(first.body).toMatchObject({ count: 2, totalRecords: 5 });
    expect(typeof first.body.$skipToken).toBe('string');

    app.env.sandbox.requests.clear();
    const all = await queryResourceGraph(litware.resources, app.env.appSettings.ARM_ENDPOINT ?? '', {
      subscriptions: [LITWARE_SUB],
      query: buildResourceGraphQuery(['Microsoft.Compute/virtualMachines']),
      pageSize: 2,
    });
    expect(all.map((r) => r.name)).toEqual(['vm-a', 'vm-b', 'vm-c', 'vm-d', 'vm-litware-etl']);
    expect(all[0]).toEqual({
      id: vmId('vm-a'),
      name: 'vm-a',
      type: 'microsoft.compute/virtualmachines',
      location: 'westeurope',
    });
    const graphCalls = app.env.sandbox.requests.list('arm').filter((r) => r.path.includes('Microsoft.ResourceGraph'));
    expect(graphCalls).toHaveLength(3);
    for (const name of ['vm-a', 'vm-b', 'vm-c', 'vm-d']) app.env.sandbox.state.removeResource(vmId(name));
  });

  it("returns only resources the principal may read: another customer's subscription contributes nothing", async () => {
    const rows = await queryResourceGraph(contoso.resources, app.env.appSettings.ARM_ENDPOINT ?? '', {
      subscriptions: [LITWARE_SUB, DEMO_IDS.contoso.subscriptionId],
      query: buildResourceGraphQuery(['Microsoft.Compute/virtualMachines', 'Microsoft.PowerBIDedicated/capacities']),
    });
    expect(rows.map((r) => r.name).sort()).toEqual(['pbicontoso', 'vm-contoso-gw']);
  });

  it('refuses a query shape it does not understand as Resource Graph refuses an invalid query', async () => {
    await expect(
      queryResourceGraph(litware.resources, app.env.appSettings.ARM_ENDPOINT ?? '', {
        subscriptions: [LITWARE_SUB],
        query: 'Resources | summarize count() by type',
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'BadRequest' });
  });

  it("answers past the principal's quota with RateLimiting and no Retry-After, and the collector waits out the reset", async () => {
    const customer = (await app.services.registry.find('litware')) as Customer;
    const secret = customer.authMode === 'clientSecret' ? await app.services.secrets.read(customer) : undefined;
    // A client with the SDK's default pipeline only: what any caller without our throttle policy sees.
    const plain = new ServiceClient({
      endpoint: app.env.appSettings.ARM_ENDPOINT,
      credential: app.services.credentials.forCustomer(customer, secret),
      credentialScopes: [app.services.config.armScope],
    });
    let refused: { status: number; headers: Record<string, string | undefined>; body: unknown } | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const request = createPipelineRequest({
        url: `${app.env.appSettings.ARM_ENDPOINT}/providers/Microsoft.ResourceGraph/resources?api-version=${RESOURCE_GRAPH_API_VERSION}`,
        method: 'POST',
        body: JSON.stringify({
          subscriptions: [LITWARE_SUB],
          query: buildResourceGraphQuery(['Microsoft.Compute/virtualMachines']),
        }),
      });
      request.headers.set('content-type', 'application/json');
      const response = await plain.sendRequest(request);
      if (response.status === 429) {
        refused = {
          status: response.status,
          headers: {
            retryAfter: response.headers.get('retry-after'),
            remaining: response.headers.get('x-ms-user-quota-remaining'),
            resetsAfter: response.headers.get('x-ms-user-quota-resets-after'),
          },
          body: JSON.parse(response.bodyAsText ?? 'null'),
        };
      }
    }
    expect(refused).toMatchObject({
      status: 429,
      headers: { retryAfter: undefined, remaining: '0', resetsAfter: expect.stringMatching(/^00:00:0[0-5]$/) },
      body: { error: { code: 'RateLimiting', details: [{ code: 'RateLimiting' }] } },
    });
    // The product's clients carry the throttle policy: the same principal's next query waits and succeeds.
    const requestsBefore = app.env.sandbox.requests.counts()['arm resourceGraph throttled'] ?? 0;
    const rows = await queryResourceGraph(litware.resources, app.env.appSettings.ARM_ENDPOINT ?? '', {
      subscriptions: [LITWARE_SUB],
      query: buildResourceGraphQuery(['Microsoft.Compute/virtualMachines']),
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(app.env.sandbox.requests.counts()['arm resourceGraph throttled'] ?? 0).toBeLessThanOrEqual(
      requestsBefore + 1,
    );
  });
});
