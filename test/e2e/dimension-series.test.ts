import { HttpRequest } from '@azure/functions';
import { TableClient, odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_TABLE } from '../../lib/app/storage-names';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import { getCustomerMetrics } from '../../lib/http/metrics-handlers';
import { buildCustomerDetail } from '../../lib/dashboard/build-customer-detail';
import { getCustomerDashboard } from '../../lib/http/dashboard-handler';
import { getTopMetrics } from '../../lib/http/top-metrics-handler';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

// Response bodies are asserted field by field; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const clock = new Date('2026-11-23T12:00:05Z');
let app: TestApp;
const rg = `/subscriptions/${DEMO_IDS.contoso.subscriptionId}/resourceGroups/rg-analytics`;
const blobService = `${rg}/providers/Microsoft.Storage/storageAccounts/stcontoso/blobServices/default`;
const window = { windowStart: '2026-11-23T10:00:00.000Z', windowEnd: '2026-11-23T11:00:00.000Z' };
const message = (runId: string): CollectMessage => ({
  version: 1,
  runId,
  customerId: 'contosoblob',
  ...window,
  trigger: 'schedule',
});

async function metrics(query: Record<string, string>) {
  const url = new URL('http://localhost/api/customers/contosoblob/metrics');
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return getCustomerMetrics(
    app.services,
    new HttpRequest({ method: 'GET', url: url.toString(), params: { id: 'contosoblob' } }),
  );
}

beforeAll(async () => {
  app = await startTestApp({ now: () => clock });
  const state = app.env.sandbox.state;
  state.putResource({
    id: `${rg}/providers/Microsoft.Storage/storageAccounts/stcontoso`,
    location: 'West Europe',
    kind: 'StorageV2',
    properties: {},
  });
  state.putResource({ id: blobService, location: 'West Europe', properties: {} });
  const contoso = app.env.scenario.customers.find((c) => c.id === 'contoso')!;
  // A customer's secret is readable only as that customer (owner tag): the clone gets its own copy.
  const secret = app.env.sandbox.state.findVaultSecret('customer-contoso-secret')!.value;
  app.env.sandbox.state.setVaultSecret('customer-contosoblob-secret', secret, { tags: { customerId: 'contosoblob' } });
  await app.services.registry.put(
    CustomerRegistry.validate({
      ...contoso,
      id: 'contosoblob',
      displayName: 'Contoso (blob tiers)',
      secretName: 'customer-contosoblob-secret',
      resources: [
        {
          resourceId: blobService,
          metrics: ['BlobCount', 'BlobCapacity'],
          aggregations: ['Average'],
          interval: 'PT1H',
          dimensions: { BlobCount: ['Tier'], BlobCapacity: ['Tier'] },
        },
      ],
    }),
  );
});
afterAll(async () => app?.close());

describe('a metric split by a dimension (GetMetric.json: BlobCount by tier)', () => {
  it('stores every tier as its own series and counts exactly the rows it wrote', async () => {
    const result = await collectCustomer(message('20261123T1000Z-aaaaaaaa'), app.services, recordingLogger());
    expect(result.outcome).toBe('ok');
    const table = TableClient.fromConnectionString(app.env.azurite.connectionString, METRICS_TABLE);
    const rows: Json[] = [];
    for await (const e of table.listEntities({ queryOptions: { filter: odata`customerId eq ${'contosoblob'}` } }))
      rows.push(e);
    // 2 metrics x 5 tiers x 2 hourly buckets (the window's, and 09:00 reached by the look-back).
    expect(rows).toHaveLength(20);
    expect(result.datapointsWritten).toBe(rows.length);
    expect(new Set(rows.map((r) => r.partitionKey)).size).toBe(10);
  });

  it('returns BlobCount Hot and Standard as separate series through the API, labelled with the stored grain', async () => {
    const response = await metrics({ metric: 'BlobCount', from: window.windowStart, to: window.windowEnd });
    expect(response.status).toBe(200);
    const body = response.jsonBody as Json;
    const byTier = Object.fromEntries(body.series.map((s: Json) => [s.dimensions.Tier, s]));
    expect(Object.keys(byTier).sort()).toEqual(['Archive', 'Cool', 'Hot', 'Standard', 'Untiered']);
    expect(byTier.Hot.points.map((p: Json) => p.average)).toEqual([7]);
    expect(byTier.Standard.points.map((p: Json) => p.average)).toEqual([2]);
    expect(byTier.Hot.interval).toBe('PT1H');
  });

  it('carries the dimension in CSV', async () => {
    const response = await metrics({
      metric: 'BlobCount',
      from: window.windowStart,
      to: window.windowEnd,
      format: 'csv',
    });
    const lines = String(response.body).trimEnd().split('\r\n');
    expect(lines[0]!.split(',')).toContain('dimensions');
    expect(lines.some((l) => l.includes('Tier=Hot') && l.includes(',7,'))).toBe(true);
    expect(lines.some((l) => l.includes('Tier=Standard') && l.includes(',2,'))).toBe(true);
  });

  it("draws BlobCount Hot and Standard as separate, labelled series on the customer's dashboard page", async () => {
    const detail = await buildCustomerDetail(app.services, 'contosoblob');
    const series = detail.resources.find((r) => r.name === 'default')?.series ?? [];
    const blobCount = series.filter((s) => s.metric === 'BlobCount');
    expect(blobCount.map((s) => s.label)).toEqual([
      'BlobCount · Tier=Archive',
      'BlobCount · Tier=Cool',
      'BlobCount · Tier=Hot',
      'BlobCount · Tier=Standard',
      'BlobCount · Tier=Untiered',
    ]);
    const hot = blobCount.find((s) => s.dimensions?.Tier === 'Hot');
    expect(hot).toMatchObject({ latest: 7, latestAt: '2026-11-23T10:00:00Z', interval: 'PT1H' });
    expect(blobCount.find((s) => s.dimensions?.Tier === 'Standard')?.latest).toBe(2);
    const page = await getCustomerDashboard(
      app.services,
      new HttpRequest({
        method: 'GET',
        url: 'http://localhost/api/dashboard/customers/contosoblob',
        params: { id: 'contosoblob' },
      }),
    );
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<tr data-series="BlobCount · Tier=Hot" data-dimensions="Tier=Hot">');
    expect(String(page.body)).toContain('<tr data-series="BlobCount · Tier=Standard" data-dimensions="Tier=Standard">');
  });

  it('ranks each tier on its own in GET /api/metrics/top, labelled with its dimension values', async () => {
    const response = await getTopMetrics(
      app.services,
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/metrics/top?metric=BlobCount&window=24h&limit=100' }),
    );
    const rows = (response.jsonBody as Json).resources.filter((r: Json) => r.customerId === 'contosoblob');
    expect(rows.map((r: Json) => [r.label, r.value])).toEqual(
      expect.arrayContaining([
        ['default · Tier=Hot', 7],
        ['default · Tier=Standard', 2],
      ]),
    );
    expect(rows).toHaveLength(5);
  });

  it('keeps the good snapshot when a later attempt of the same window fails', async () => {
    const range = { start: new Date(window.windowStart), end: new Date(window.windowEnd) };
    const good = (await app.services.snapshots.read('contosoblob', range)) as Json;
    expect(good.resources[0].datapoints).toHaveLength(20);
    // The customer removes the collector's role: the re-collection is refused.
    const scope = `/subscriptions/${DEMO_IDS.contoso.subscriptionId}`;
    app.env.sandbox.state.removeRole(DEMO_IDS.contoso.objectId, scope);
    try {
      const again = await collectCustomer(message('20261123T1000Z-bbbbbbbb'), app.services, recordingLogger());
      expect(again.outcome).toBe('failed');
      expect(again.diagnosis?.code).toBe('AuthorizationFailed');
    } finally {
      app.env.sandbox.state.assignRole(DEMO_IDS.contoso.objectId, scope, 'Reader');
    }
    const kept = (await app.services.snapshots.read('contosoblob', range)) as Json;
    expect(kept.resources[0]).toEqual(good.resources[0]);
    expect(kept.resources[0].error).toBeNull();
  });
});
