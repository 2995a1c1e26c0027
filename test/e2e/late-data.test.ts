import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer, type CollectDependencies } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { newRunId } from '../../lib/collect/plan-collection-run';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';
import { settledVmCpu, storedVmCpu } from '../support/vm-cpu-window';

/**
 * Late data end to end: the sandbox answers like Azure Monitor (the newest minutes arrive 3 minutes late,
 * some 7), and every run is on time: five seconds after its window closes.
 */
let clock = new Date('2026-11-23T09:00:05Z');
let app: TestApp;
let withoutLookBack: CollectDependencies;
const HOUR = 3_600_000;
const FIRST = Date.parse('2026-11-23T09:00:00Z');
const windowAt = (i: number) => ({
  windowStart: new Date(FIRST + i * HOUR).toISOString(),
  windowEnd: new Date(FIRST + (i + 1) * HOUR).toISOString(),
});

async function collectOnTime(customerId: string, i: number, deps: CollectDependencies) {
  const window = windowAt(i);
  clock = new Date(Date.parse(window.windowEnd) + 5_000);
  // Tokens are cached on the real clock but checked on the sandbox's: start each hour with a fresh one.
  app.services.credentials.forget(customerId);
  const message: CollectMessage = {
    version: 1,
    runId: newRunId(new Date(window.windowStart)),
    customerId,
    ...window,
    trigger: 'schedule',
  };
  return collectCustomer(message, deps, recordingLogger());
}

let vm = '';
/** Percentage CPU of contoso's VM in window i: how many of its 12 buckets are stored, how many final. */
const pointsOf = (customerId: string, i: number) => storedVmCpu(app.services.metricsTable, customerId, vm, windowAt(i));
/** What Azure answers once everything has arrived. */
const settledTruth = (i: number) => settledVmCpu(vm, windowAt(i));

beforeAll(async () => {
  app = await startTestApp({ now: () => clock });
  const contoso = app.env.scenario.customers.find((c) => c.id === 'contoso')!;
  vm = contoso.resources!.find((r) => r.resourceId.includes('virtualMachines'))!.resourceId;
  // The same customer collected without a look-back, to measure what the look-back buys.
  // A customer's secret is readable only as that customer (owner tag): the clone gets its own copy.
  const secret = app.env.sandbox.state.findVaultSecret('customer-contoso-secret')!.value;
  app.env.sandbox.state.setVaultSecret('customer-contoso-nolookback-secret', secret, {
    tags: { customerId: 'contoso-nolookback' },
  });
  await app.services.registry.put(
    CustomerRegistry.validate({
      ...contoso,
      id: 'contoso-nolookback',
      secretName: 'customer-contoso-nolookback-secret',
    }),
  );
  const timing = app.services.settings.metricSources.azureMonitor;
  withoutLookBack = {
    ...app.services,
    settings: {
      ...app.services.settings,
      metricSources: { ...app.services.settings.metricSources, azureMonitor: { ...timing, lookBackMs: 0 } },
    },
  };
});
afterAll(async () => app?.close());

describe('late metric data (ingestion delay on, every run on time)', () => {
  it('ends with every point of three consecutive windows present and final, at no extra Azure call', async () => {
    const calls: Record<string, number[]> = { contoso: [], 'contoso-nolookback': [] };
    // Metrics calls of either kind: batch (metrics:getBatch, one per resource type here) or per resource.
    const count = () => {
      const counts = app.env.sandbox.requests.counts();
      return (counts['arm metrics'] ?? 0) + (counts['metrics getBatch'] ?? 0);
    };
    const after: Array<Record<string, { present: number; final: number }>> = [];
    for (let i = 0; i < 4; i++) {
      for (const [id, deps] of [
        ['contoso', app.services],
        ['contoso-nolookback', withoutLookBack],
      ] as const) {
        const before = count();
        const result = await collectOnTime(id, i, deps);
        expect(result.diagnosis ?? null).toBeNull();
        expect(result.outcome).toBe('ok');
        calls[id]!.push(count() - before);
      }
      const snapshot: Record<string, { present: number; final: number }> = {};
      for (const id of ['contoso', 'contoso-nolookback']) {
        const { present, final } = await pointsOf(id, i);
        snapshot[id] = { present, final };
      }
      after.push(snapshot);
    }
    // Read on time, a window has all 12 buckets, but the last ones are still filling: provisional.
    for (const run of after) {
      expect(run.contoso).toEqual({ present: 12, final: 10 });
      expect(run['contoso-nolookback']).toEqual({ present: 12, final: 10 });
    }
    // The next run's look-back settles them; without it they stay provisional (and partly filled) for good.
    for (let i = 0; i < 3; i++) {
      const { points, present, final } = await pointsOf('contoso', i);
      expect({ present, final }).toEqual({ present: 12, final: 12 });
      expect(points.map((p) => p.average)).toEqual(settledTruth(i));
      expect(await pointsOf('contoso-nolookback', i)).toMatchObject({ present: 12, final: 10 });
    }
    // The look-back widens the timespan of the same call: one metrics call per resource with metrics either way.
    expect(calls.contoso).toEqual(calls['contoso-nolookback']);
    expect(calls.contoso).toEqual([2, 2, 2, 2]);
  });

  it('never stores a point outside the window and its look-back, and counts the rows it wrote', async () => {
    const i = 5;
    const result = await collectOnTime('contoso', i, app.services);
    const window = windowAt(i);
    const lookBackStart = Date.parse(window.windowStart) - 20 * 60_000;
    const rows = await app.services.metricsTable.query({
      customerId: 'contoso',
      resourceId: vm,
      metric: 'Percentage CPU',
      from: new Date(lookBackStart - HOUR / 2),
      to: new Date(Date.parse(window.windowEnd) + HOUR),
    });
    // Window 4 (the hour before) was never collected: only the look-back's 4 buckets of it exist.
    expect(
      rows.map((p) => Date.parse(p.timestamp)).every((t) => t >= lookBackStart && t < Date.parse(window.windowEnd)),
    ).toBe(true);
    expect(rows).toHaveLength(16);
    // Three metric series (two on the Power BI capacity, one on the VM), 16 rows each.
    expect(result.datapointsWritten).toBe(48);
  });
});
