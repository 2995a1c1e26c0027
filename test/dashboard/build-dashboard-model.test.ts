import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import { buildDashboardModel } from '../../lib/dashboard/build-dashboard-model';
import { listCustomerHealth } from '../../lib/health/list-customer-health';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import type { CustomerStatus } from '../../lib/store/customer-status-store';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('buildDashboardModel', () => {
  it('shows the same health as GET /api/health (action required at once; three runs of one window count once)', async () => {
    for (const n of [1, 2, 3]) {
      await collectCustomer(
        {
          version: 1,
          runId: `20261122T0800Z-0000000${n}`,
          customerId: 'fabrikam',
          windowStart: '2026-11-22T08:00:00.000Z',
          windowEnd: '2026-11-22T09:00:00.000Z',
          trigger: 'schedule',
        },
        app.services,
        recordingLogger(),
      );
    }
    const [model, report] = await Promise.all([buildDashboardModel(app.services), listCustomerHealth(app.services)]);
    const tile = model.customers.find((c) => c.id === 'fabrikam');
    const row = report.customers.find((c) => c.customerId === 'fabrikam');
    expect(row).toMatchObject({ state: 'actionRequired', mustAct: 'customer', consecutiveFailures: 1 });
    expect(tile).toMatchObject({ health: row?.state, healthReason: row?.reason });
    for (const c of model.customers) {
      expect(c.health).toBe(report.customers.find((r) => r.customerId === c.id)?.state);
    }
  });
});

describe('buildDashboardModel: order, filters and pages', () => {
  const now = new Date('2026-11-22T10:10:00Z');
  const customer = (id: string, displayName: string, enabled = true) =>
    CustomerRegistry.validate({
      id,
      displayName,
      tenantId: '12345678-0000-4000-8000-000000000001',
      clientId: '12345678-0000-4000-8000-000000000002',
      authMode: 'clientSecret',
      enabled,
      resources: [],
    });
  const status = (customerId: string, fields: Partial<CustomerStatus>): CustomerStatus => ({
    customerId,
    lastRunId: 'r',
    lastWindowStart: '2026-11-22T09:00:00Z',
    lastWindowEnd: '2026-11-22T10:00:00Z',
    lastAttemptAt: '2026-11-22T10:05:00Z',
    outcome: 'ok',
    lastSuccessAt: '2026-11-22T10:05:00Z',
    datapointsWritten: 1,
    consecutiveFailures: 0,
    resources: [],
    ...fields,
  });
  const failed = { outcome: 'failed' as const, errorCode: 'Throttled', errorClass: 'transient' };
  // One customer per state, registered in an order that is not the page's.
  const registered = [
    customer('a-healthy', 'Alpha'),
    customer('b-stale', 'Bravo'),
    customer('c-degraded', 'Charlie'),
    customer('d-off', 'Delta', false),
    customer('e-unknown', 'Echo'),
    customer('f-failing', 'Foxtrot'),
    customer('g-action', 'Golf Contoso'),
    customer('h-healthy2', 'Hotel'),
  ];
  const statuses = [
    status('a-healthy', {}),
    status('b-stale', { lastAttemptAt: '2026-11-22T05:00:00Z', lastSuccessAt: '2026-11-22T05:00:00Z' }),
    status('c-degraded', { ...failed, consecutiveFailures: 1 }),
    status('f-failing', { ...failed, consecutiveFailures: 6 }),
    status('g-action', {
      ...failed,
      errorCode: 'AADSTS7000222',
      errorClass: 'permanent',
      errorActor: 'customer',
      consecutiveFailures: 1,
    }),
    status('h-healthy2', {}),
  ];
  const sources = {
    registry: { list: async () => registered },
    statuses: { list: async () => statuses },
    health: { list: async () => [] },
    now: () => now,
    config: { collectSchedule: '0 0 * * * *' },
  };

  it('puts customers needing action first: action required, failing, degraded, stale, no run yet, healthy, disabled', async () => {
    const model = await buildDashboardModel(sources, { page: 1, pageSize: 50 });
    expect(model.customers.map((c) => [c.id, c.health])).toEqual([
      ['g-action', 'actionRequired'],
      ['f-failing', 'failing'],
      ['c-degraded', 'degraded'],
      ['b-stale', 'stale'],
      ['e-unknown', 'unknown'],
      ['a-healthy', 'healthy'],
      ['h-healthy2', 'healthy'],
      ['d-off', 'disabled'],
    ]);
    expect(model.counts).toEqual({
      actionRequired: 1,
      failing: 1,
      degraded: 1,
      stale: 1,
      unknown: 1,
      healthy: 2,
      disabled: 1,
    });
  });

  it('filters by state and by text in the id or the name, counting the whole fleet', async () => {
    const degraded = await buildDashboardModel(sources, { page: 1, pageSize: 50, state: 'degraded' });
    expect(degraded.customers.map((c) => c.id)).toEqual(['c-degraded']);
    expect(degraded).toMatchObject({ total: 8, matching: 1, counts: expect.objectContaining({ healthy: 2 }) });
    const byName = await buildDashboardModel(sources, { page: 1, pageSize: 50, q: 'CONTOSO' });
    expect(byName.customers.map((c) => c.id)).toEqual(['g-action']);
    const byId = await buildDashboardModel(sources, { page: 1, pageSize: 50, q: 'healthy', state: 'healthy' });
    expect(byId.customers.map((c) => c.id)).toEqual(['a-healthy', 'h-healthy2']);
  });

  it('pages in the same order: 3 per page over 8 customers is 3 pages, the last one short', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => buildDashboardModel(sources, { page, pageSize: 3 })));
    expect(pages.map((p) => p.customers.map((c) => c.id))).toEqual([
      ['g-action', 'f-failing', 'c-degraded'],
      ['b-stale', 'e-unknown', 'a-healthy'],
      ['h-healthy2', 'd-off'],
    ]);
    expect(pages.map((p) => p.pageCount)).toEqual([3, 3, 3]);
  });
});
