import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import { buildDashboardModel } from '../../lib/dashboard/build-dashboard-model';
import { listCustomerHealth } from '../../lib/health/list-customer-health';
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
