import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { hourlyBenchScenario } from '../support/hourly-bench-scenario';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

const RESOURCES = 1000;
let app: TestApp;
// Hourly grain: one point per metric keeps the table writes (not what is tested here) small.
const scenario = hourlyBenchScenario({
  customers: 1,
  resourcesPerCustomer: RESOURCES,
  metricsPerResource: 2,
  subscriptionsPerCustomer: 2,
  regions: 2,
});
const customer = scenario.customers.find((c) => c.id === 'bench-0')!;
const objectId = scenario.seed.apps!.find((a) => a.clientId === customer.clientId)!.objectId!;
const subscriptions = [...new Set(customer.resources!.map((r) => /\/subscriptions\/([^/]+)/.exec(r.resourceId)![1]!))];
const message: CollectMessage = {
  version: 1,
  runId: '20261122T0800Z-large',
  customerId: 'bench-0',
  windowStart: '2026-11-22T08:00:00.000Z',
  windowEnd: '2026-11-22T09:00:00.000Z',
  trigger: 'schedule',
};

beforeAll(async () => {
  app = await startTestApp({ scenario });
});
afterAll(async () => app?.close());

describe('a 1,000-resource customer', () => {
  it('is collected in one cycle while its ARM read budget is exhausted by someone else', async () => {
    // Another tool of the customer has drained this principal's read buckets: per-resource reads would 429.
    for (const sub of subscriptions) {
      while (app.env.sandbox.state.armReads.take(`${objectId}|${sub.toLowerCase()}`, performance.now()).ok);
    }
    app.env.sandbox.requests.clear();
    const started = performance.now();
    const result = await collectCustomer(message, app.services, recordingLogger());
    console.log('large customer collected in', Math.round(performance.now() - started), 'ms');
    expect(result.outcome).toBe('ok');
    expect(result.resources).toHaveLength(RESOURCES);
    // Two hourly buckets per series: the window's and the one its 20-minute look-back reaches into.
    expect(result.datapointsWritten).toBe(RESOURCES * 2 * 2);
    const counts = app.env.sandbox.requests.counts();
    // 2 subscriptions × 2 regions × ⌈250/50⌉ = 20 batch calls; state from one Resource Graph query (1,000 rows).
    expect(counts['metrics getBatch']).toBe(20);
    expect(counts['arm resourceGraph']).toBe(1);
    expect(counts['arm resource']).toBeUndefined();
    expect(counts['arm metrics']).toBeUndefined();
    // The status row keeps every resource although 1,000 outcomes exceed one 64 KiB table property.
    const status = await app.services.statuses.find('bench-0');
    expect(status?.resources).toHaveLength(RESOURCES);
    expect(status).toMatchObject({
      outcome: 'ok',
      metricsMode: 'batch',
      calls: { resourceGraph: 1, metricsBatch: 20, armGets: 0 },
    });
  });
});
