import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { planRetryReads, readKeyOf } from '../../lib/collect/plan-retry-reads';
import type { ResourceTarget } from '../../lib/customers/customer';
import { isAppError } from '../../lib/errors/app-error';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

const VM = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-';
const target = (name: string, metrics = ['Percentage CPU']): ResourceTarget => ({
  resourceId: `${VM}${name}`,
  metrics,
  aggregations: ['Average', 'Maximum'],
  interval: 'PT5M',
  dimensions: {},
});
const RUN = '20261122T0800Z-retry001';
const settledBefore = new Date('2026-11-22T09:05:00Z');
const point = (timestamp: string, provisional = false) => ({
  resourceId: `${VM}a`,
  metric: 'Percentage CPU',
  timestamp,
  interval: 'PT5M',
  average: 1,
  ...(provisional ? { provisional: true } : {}),
});
const entry = (t: ResourceTarget, fields: Record<string, unknown> = {}) => ({
  resourceId: t.resourceId,
  runId: RUN,
  state: { resourceId: t.resourceId, type: 'Microsoft.Compute/virtualMachines', name: 'vm' },
  resource: { id: t.resourceId },
  datapoints: [point('2026-11-22T08:55:00Z')],
  error: null,
  readKey: readKeyOf(t),
  ...fields,
});

describe('planRetryReads', () => {
  it('reuses what an earlier attempt of the run read for good, with its state and datapoints', () => {
    const a = target('a');
    const plan = planRetryReads({ schema: 1, resources: [entry(a)] }, RUN, [a], settledBefore);
    expect(plan.toRead).toEqual([]);
    expect(plan.reused).toEqual([
      expect.objectContaining({ target: a, reused: true, datapoints: [point('2026-11-22T08:55:00Z')] }),
    ]);
    expect(plan.reused[0]?.state).toMatchObject({ type: 'Microsoft.Compute/virtualMachines' });
  });

  it('reads again what failed, what another run read, what was read with other settings, and what is missing', () => {
    const [failed, otherRun, changed, missing] = ['b', 'c', 'd', 'e'].map((n) => target(n));
    const snapshot = {
      schema: 1,
      resources: [
        entry(failed!, { error: { stage: 'metrics', code: 'Throttled', message: 'x' }, datapoints: [] }),
        entry(otherRun!, { runId: '20261122T0800Z-other' }),
        entry(changed!, { readKey: readKeyOf(target('d', ['Network In'])) }),
      ],
    };
    const plan = planRetryReads(snapshot, RUN, [failed!, otherRun!, changed!, missing!], settledBefore);
    expect(plan.reused).toEqual([]);
    expect(plan.toRead.map((t) => t.resourceId)).toEqual(
      [failed, otherRun, changed, missing].map((t) => t!.resourceId),
    );
  });

  it('reads again a provisional bucket that has settled since, but not one still within the ingestion delay', () => {
    const [settled, young] = [target('f'), target('g')];
    const snapshot = {
      schema: 1,
      resources: [
        // 08:55-09:00 ended before 09:05: a read now returns it final.
        entry(settled, { datapoints: [point('2026-11-22T08:55:00Z', true)] }),
        // 09:00-09:05 ends exactly at settledBefore: settled too. 09:05-09:10 is still young.
        entry(young, { datapoints: [point('2026-11-22T09:05:00Z', true)] }),
      ],
    };
    const plan = planRetryReads(snapshot, RUN, [settled, young], settledBefore);
    expect(plan.toRead.map((t) => t.resourceId)).toEqual([settled.resourceId]);
    expect(plan.reused.map((r) => r.target.resourceId)).toEqual([young.resourceId]);
  });

  it('reads everything when there is no snapshot or it is not one', () => {
    const a = target('a');
    expect(planRetryReads(undefined, RUN, [a], settledBefore).toRead).toEqual([a]);
    expect(planRetryReads({ resources: 'nope' }, RUN, [a], settledBefore).toRead).toEqual([a]);
  });

  it('keys a read on what is asked, not on the order or case it is written in', () => {
    const one: ResourceTarget = {
      ...target('a', ['Percentage CPU', 'Network In']),
      aggregations: ['Maximum', 'Average'],
    };
    const two: ResourceTarget = {
      ...target('a', ['network in', 'Percentage CPU']),
      aggregations: ['Average', 'Maximum'],
    };
    expect(readKeyOf(one)).toBe(readKeyOf(two));
    expect(readKeyOf(target('a'))).not.toBe(readKeyOf({ ...target('a'), interval: 'PT1M' }));
  });
});

describe('a retried attempt against the sandbox', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('re-reads only the resource that failed, and stores the window whole', async () => {
    const message: CollectMessage = {
      version: 1,
      runId: RUN,
      customerId: 'contoso',
      windowStart: '2026-11-22T08:00:00.000Z',
      windowEnd: '2026-11-22T09:00:00.000Z',
      trigger: 'schedule',
    };
    // Per resource, so the failure can be aimed at one resource's metrics path.
    const deps = { ...app.services, settings: { ...app.services.settings, metricsMode: 'perResource' as const } };
    const full = await collectCustomer({ ...message, runId: '20261122T0800Z-full0001' }, deps, recordingLogger());
    expect(full.outcome).toBe('ok');

    app.env.sandbox.state.injectFault({
      service: 'arm',
      match: (path) => path.includes('vm-contoso-gw/providers/Microsoft.Insights/metrics'),
      status: 429,
      retryAfterSeconds: 0,
      times: 100,
    });
    let thrown: unknown;
    try {
      await collectCustomer(message, deps, recordingLogger(), 1).catch((error: unknown) => {
        thrown = error;
      });
    } finally {
      app.env.sandbox.state.clearFaults();
    }
    expect(isAppError(thrown) && thrown.retryable).toBe(true);

    app.env.sandbox.requests.clear();
    const log = recordingLogger();
    const retried = await collectCustomer(message, deps, log, 2);
    expect(retried).toMatchObject({ outcome: 'ok', resourcesReused: 2, datapointsWritten: full.datapointsWritten });
    expect(retried.resources.map((r) => r.resourceId)).toEqual(full.resources.map((r) => r.resourceId));
    const counts = app.env.sandbox.requests.counts();
    // The VM's state (one Resource Graph query) and its metrics (one call): nothing of the two capacities.
    expect(counts['arm metrics']).toBe(1);
    expect(counts['arm resourceGraph']).toBe(1);
    expect(counts['arm resource']).toBeUndefined();
    expect(Object.keys(counts).filter((k) => k.startsWith('powerbi') || k.startsWith('fabric'))).toEqual([]);
    expect(log.lines.some((l) => l.includes('2 resources read for good before, 1 to read'))).toBe(true);
  });
});
