import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import { MAX_DEQUEUE_COUNT } from '../../lib/collect/record-run-progress';
import type { RunRecord } from '../../lib/store/run-store';
import { hourlyBenchScenario } from '../support/hourly-bench-scenario';
import { recentWindow } from '../support/recent-window';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * `npm run test:large` (not in `npm test`): 1,000 Metrics_List calls over two subscriptions, from drained
 * buckets refilled at ARM's 25 reads/s each, take 20 s by themselves, and Azurite's table writes for 1,000
 * series about as long again on a loaded machine. Two customers of 1,000 VMs each, two subscriptions × two
 * regions, one metric at PT1H (the table writes are not what is tested).
 */
const RESOURCES = 1000;
const scenario = hourlyBenchScenario({
  customers: 2,
  resourcesPerCustomer: RESOURCES,
  metricsPerResource: 1,
  subscriptionsPerCustomer: 2,
  regions: 2,
});
const customerOf = (id: string) => scenario.customers.find((c) => c.id === id)!;
const objectIdOf = (id: string) => scenario.seed.apps!.find((a) => a.clientId === customerOf(id).clientId)!.objectId!;
const subscriptionsOf = (id: string) => [
  ...new Set(customerOf(id).resources!.map((r) => /\/subscriptions\/([^/]+)/.exec(r.resourceId)![1]!.toLowerCase())),
];

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ scenario });
  // Every answer of the cloud takes 20 ms, as in the benchmark: a round trip to Azure.
  app.env.sandbox.state.latencyMs = 20;
});
afterAll(async () => app?.close());

/**
 * Delivers one message as the Functions host does: attempt after attempt while the worker throws
 * (a transient failure), at most MAX_DEQUEUE_COUNT times. @returns the run record after each attempt.
 */
async function deliverUntilDone(customerId: string, runId: string, hoursAgo: number) {
  const message = { version: 1, runId, customerId, ...recentWindow(hoursAgo), trigger: 'schedule' };
  const attempts: Array<{ run: RunRecord | undefined; thrown: unknown }> = [];
  for (let dequeueCount = 1; dequeueCount <= MAX_DEQUEUE_COUNT; dequeueCount++) {
    const context = new InvocationContext({
      functionName: 'collect-customer',
      invocationId: `${runId}-${dequeueCount}`,
      triggerMetadata: { dequeueCount },
      logHandler: () => undefined,
    });
    let thrown: unknown;
    await handleCollectMessage(app.services, message, context).catch((error: unknown) => {
      thrown = error;
    });
    attempts.push({ run: await app.services.runs.find(runId, customerId), thrown });
    if (!thrown) break;
  }
  return attempts;
}

const counts = () => app.env.sandbox.requests.counts();

describe('a 1,000-resource customer under ARM throttling', () => {
  it('is collected per resource (no subscription-scope role) in one message cycle, its read budget drained by someone else', async () => {
    const id = 'bench-0';
    const objectId = objectIdOf(id);
    // Reader on each resource, not on the subscriptions: ARM reads work, the metrics batch API refuses.
    for (const sub of subscriptionsOf(id)) app.env.sandbox.state.removeRole(objectId, `/subscriptions/${sub}`);
    for (const r of customerOf(id).resources!) app.env.sandbox.state.assignRole(objectId, r.resourceId, 'Reader');
    // Another tool of the customer's has just spent this principal's read buckets.
    for (const sub of subscriptionsOf(id)) {
      while (app.env.sandbox.state.armReads.take(`${objectId}|${sub}`, performance.now()).ok);
    }
    app.env.sandbox.requests.clear();
    const started = performance.now();
    const attempts = await deliverUntilDone(id, '20261122T0800Z-large001', 3);
    const seconds = (performance.now() - started) / 1000;

    const last = attempts.at(-1)!;
    expect(last.thrown).toBeUndefined();
    expect(last.run?.status).toBe('succeeded');
    const status = await app.services.statuses.find(id);
    expect(status).toMatchObject({ outcome: 'ok', metricsMode: 'perResource' });
    expect(status?.resources.filter((r) => r.ok)).toHaveLength(RESOURCES);
    const c = counts();
    // Every resource's metrics were read successfully exactly once over all attempts: a retry re-reads only
    // what failed, and the pacing keeps throttled answers to the few the first calls run into.
    expect((c['arm metrics'] ?? 0) - (c['arm metrics throttled'] ?? 0)).toBe(RESOURCES);
    expect(c['arm resourceGraph']).toBe(1);
    const throttled = attempts.reduce((sum, a) => sum + (a.run?.throttledCalls ?? 0), 0);
    expect(throttled).toBe((c['arm metrics throttled'] ?? 0) + (c['arm resource throttled'] ?? 0));
    expect(last.run?.metricsCost).toBeGreaterThan(0);
    console.log(
      `per resource: ${attempts.length} attempt(s), ${seconds.toFixed(1)} s, ` +
        `${c['arm metrics']} Metrics_List calls of which ${c['arm metrics throttled'] ?? 0} answered 429, ` +
        `${c['metrics getBatch']} refused batch call(s), ${c['arm resourceGraph']} Resource Graph query, ` +
        `reported metrics cost ${last.run?.metricsCost}`,
    );
  });

  it('in batch mode, re-reads only the batch group that failed when the host retries the message', async () => {
    const id = 'bench-1';
    const first = customerOf(id).resources![0]!.resourceId;
    const sub = /\/subscriptions\/([^/]+)/.exec(first)![1]!.toLowerCase();
    const region = app.env.sandbox.state.findResource(first)!.location.toLowerCase().replace(/\s+/g, '');
    // One subscription × region group (250 VMs, 5 batch calls) is throttled through the first attempt.
    app.env.sandbox.state.injectFault({
      service: 'metrics',
      match: (path) => path.toLowerCase().startsWith(`/${region}/subscriptions/${sub}/`),
      status: 429,
      retryAfterSeconds: 0,
      times: 5 * 4, // 5 calls, each tried 4 times by the SDK
    });
    app.env.sandbox.requests.clear();
    const started = performance.now();
    const attempts = await deliverUntilDone(id, '20261122T0800Z-large002', 4);
    const seconds = (performance.now() - started) / 1000;
    app.env.sandbox.state.clearFaults();

    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.run).toMatchObject({ status: 'retrying', errorCode: 'Throttled' });
    expect(attempts[1]!.run).toMatchObject({ status: 'succeeded', resourcesReused: RESOURCES - 250 });
    const status = await app.services.statuses.find(id);
    expect(status?.resources.filter((r) => r.ok)).toHaveLength(RESOURCES);
    expect(status).toMatchObject({ metricsMode: 'batch', calls: { metricsBatch: 5, resourceGraph: 1, armGets: 0 } });
    const c = counts();
    // 20 batch calls + the failing group's 5 tried 4 times each... then 5 again: nothing else was re-read.
    expect((c['metrics getBatch'] ?? 0) - (c['metrics getBatch throttled'] ?? 0)).toBe(20);
    expect(c['arm resourceGraph']).toBe(2);
    expect(c['arm metrics']).toBeUndefined();
    console.log(
      `batch with a retry: ${attempts.length} attempts, ${seconds.toFixed(1)} s, ` +
        `${c['metrics getBatch']} batch calls of which ${c['metrics getBatch throttled'] ?? 0} throttled, ` +
        `${c['arm resourceGraph']} Resource Graph queries; attempt 2 reused ${attempts[1]!.run?.resourcesReused} resources`,
    );
  });
});
