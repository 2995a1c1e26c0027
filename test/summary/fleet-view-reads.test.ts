import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../lib/app/create-services';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import { getCustomerDashboard, getDashboard } from '../../lib/http/dashboard-handler';
import { getHealth } from '../../lib/http/health-handler';
import { getTopMetrics } from '../../lib/http/top-metrics-handler';
import type { Datapoint } from '../../lib/metrics/datapoint';
import { TOP_BUCKETS } from '../../lib/summary/summary-entity';
import { withCountedStorage, type StorageRequestCounter } from '../support/count-storage-requests';
import { clearOfHourBoundary } from '../support/recent-window';
import { startTestApp, type TestApp } from '../support/start-test-app';

const HOUR_MS = 3_600_000;
const FLEET = Array.from({ length: 12 }, (_, i) => `fleet-${String(i + 1).padStart(2, '0')}`);
const sub = (i: number) => `0000000${i % 10}-0000-4000-8000-0000000000${String(10 + i).slice(-2)}`;
const vmOf = (i: number) =>
  `/subscriptions/${sub(i)}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${i}`;
const blobsOf = (i: number) =>
  `/subscriptions/${sub(i)}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st${i}/blobServices/default`;

let app: TestApp;
let counted: Services;
let requests: StorageRequestCounter;

/** Hourly points of every fleet customer for the `hours` hours that end `endHoursAgo` before now. */
async function seedHistory(endHoursAgo: number, hours: number): Promise<void> {
  const end = Math.floor(Date.now() / HOUR_MS) - endHoursAgo;
  await Promise.all(
    FLEET.map(async (customerId, i) => {
      const points: Datapoint[] = [];
      for (let h = end - hours; h < end; h++) {
        const timestamp = new Date(h * HOUR_MS).toISOString();
        const cpu = 10 + ((h * 7 + i * 13) % 80);
        points.push({
          resourceId: vmOf(i),
          metric: 'Percentage CPU',
          timestamp,
          interval: 'PT1H',
          unit: 'Percent',
          average: cpu,
          maximum: cpu + 5,
        });
        for (const [tier, count] of [
          ['Hot', 100 + i],
          ['Cool', 10 + i],
        ] as const) {
          points.push({
            resourceId: blobsOf(i),
            metric: 'BlobCount',
            dimensions: { Tier: tier },
            timestamp,
            interval: 'PT1H',
            unit: 'Count',
            average: count,
          });
        }
      }
      await app.services.metricsTable.write(customerId, points);
      await app.services.summaries.record(customerId, points);
    }),
  );
}

async function count(view: () => Promise<unknown>): Promise<number> {
  requests.reset();
  await view();
  return requests.total();
}

const request = (path: string, params: Record<string, string> = {}) =>
  new HttpRequest({ method: 'GET', url: `http://localhost/api/${path}`, params });
const list = (query: string) => getDashboard(counted, request(`dashboard?${query}`));
const customerPage = (id: string) => getCustomerDashboard(counted, request(`dashboard/customers/${id}`, { id }));
const top = (query: string) =>
  getTopMetrics(counted, new HttpRequest({ method: 'GET', url: `http://localhost/api/metrics/top?${query}` }));

// The file seeds hours relative to now and checks what 24 h / 7 d views count: it must not straddle an hour.
const FILE_RUNS_WELL_UNDER_MS = 90_000;

beforeAll(async () => {
  await clearOfHourBoundary(FILE_RUNS_WELL_UNDER_MS);
  app = await startTestApp();
  for (const [i, id] of FLEET.entries()) {
    await app.services.registry.put(
      CustomerRegistry.validate({
        id,
        displayName: `Fleet customer ${i + 1}`,
        tenantId: '12345678-0000-4000-8000-000000000001',
        clientId: '12345678-0000-4000-8000-000000000002',
        authMode: 'clientSecret',
        resources: [
          { resourceId: vmOf(i), metrics: ['Percentage CPU'] },
          { resourceId: blobsOf(i), metrics: ['BlobCount'], interval: 'PT1H', dimensions: { BlobCount: ['Tier'] } },
        ],
      }),
    );
  }
  ({ services: counted, requests } = withCountedStorage(app.services));
}, 120_000 + FILE_RUNS_WELL_UNDER_MS);
afterAll(async () => app?.close());

describe('the fleet views read a bounded number of storage requests, whatever the history', () => {
  it('health, top, the dashboard list and a customer page cost the same with 1 day and with 7 days of history', async () => {
    const measure = async () => ({
      health: await count(() => getHealth(counted)),
      top: await count(() => top('metric=Percentage%20CPU&window=7d')),
      topSplit: await count(() => top('metric=BlobCount&window=24h&by=avg')),
      // 19 customers (12 here, 7 demo ones): a page of 5 is one of 4 pages; page 3 filtered by text too.
      listPage1: await count(() => list('pageSize=5')),
      listPage3: await count(() => list('pageSize=5&page=3')),
      listAll: await count(() => list('pageSize=50')),
      listSearch: await count(() => list('q=fleet&pageSize=5&page=2')),
      customerPage: await count(() => customerPage('fleet-01')),
    });
    await seedHistory(0, 24);
    const oneDay = await measure();
    await seedHistory(24, 6 * 24);
    const sevenDays = await measure();

    expect(sevenDays).toEqual(oneDay);
    expect(oneDay).toEqual({
      // The registry, the run status and the stored health: one query page each.
      health: 3,
      // The registry, then one row range of each of the summaries' 8 ranking partitions (a page each).
      top: 1 + TOP_BUCKETS,
      topSplit: 1 + TOP_BUCKETS,
      // The same three queries as health, whatever the page, its size or the filter: nothing per customer.
      listPage1: 3,
      listPage3: 3,
      listAll: 3,
      listSearch: 3,
      // Registration, status, stored health, recent runs, the customer's summary partition.
      customerPage: 5,
    });
    expect(requests.byTable.get('metrics')).toBeUndefined();
  });

  it('pages the list: 5 customers per page, needing action first, with links to each customer page', async () => {
    const response = await list('q=fleet&pageSize=5&page=3');
    const html = String(response.body);
    expect(html.match(/<section class="tile/g)).toHaveLength(2);
    expect(html).toContain('Page 3 of 3');
    expect(html).toContain('href="/api/dashboard/customers/fleet-11"');
    const detail = String((await customerPage('fleet-03')).body);
    // Two resources: the VM's CPU and the blob service's two tiers, each tier a series of its own.
    expect(detail.match(/<tr data-series=/g)).toHaveLength(3);
    expect(detail).toContain('data-series="BlobCount · Tier=Cool"');
    expect(detail).toMatch(
      /default BlobCount · Tier=Hot, last 7 days \(hourly\): min 102 Count, max 102 Count, last 102 Count \(167 points\)/,
    );
  });

  it('ranks split series separately, labelled with their dimension values', async () => {
    const response = await top('metric=blobcount&window=24h&by=max&limit=3');
    expect(response.status).toBe(200);
    const body = response.jsonBody as { resources: Array<Record<string, unknown>> };
    expect(body.resources).toEqual([
      expect.objectContaining({
        rank: 1,
        customerId: 'fleet-12',
        dimensions: { Tier: 'Hot' },
        label: 'default · Tier=Hot',
        value: 111,
        unit: 'Count',
      }),
      expect.objectContaining({ rank: 2, customerId: 'fleet-11', dimensions: { Tier: 'Hot' }, value: 110 }),
      expect.objectContaining({ rank: 3, customerId: 'fleet-10', dimensions: { Tier: 'Hot' }, value: 109 }),
    ]);
    const cool = await top('metric=BlobCount&window=24h&by=avg&limit=100');
    const rows = (
      cool.jsonBody as {
        resources: Array<{ customerId: string; dimensions?: { Tier: string }; value: number; points: number }>;
      }
    ).resources;
    const fleet1 = rows.filter((r) => r.customerId === 'fleet-01');
    expect(fleet1.map((r) => [r.dimensions?.Tier, r.value])).toEqual([
      ['Hot', 100],
      ['Cool', 10],
    ]);
    // 24 whole hours plus the hour holding the window's start (the newest hour has no point yet).
    expect(fleet1[0]?.points).toBe(24);
  });

  it('ranks CPU across customers by the peak of the window, with when it happened', async () => {
    const response = await top('metric=Percentage%20CPU&window=7d&by=max&limit=100');
    const rows = (response.jsonBody as { resources: Array<{ customerId: string; value: number; at: string }> })
      .resources;
    expect(rows.filter((r) => r.customerId.startsWith('fleet-'))).toHaveLength(FLEET.length);
    const peak = rows.find((r) => r.customerId === 'fleet-01');
    expect(peak?.value).toBe(94);
    expect(peak?.at).toMatch(/T\d{2}:00:00Z$/);
  });
});
