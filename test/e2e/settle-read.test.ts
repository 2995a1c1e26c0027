import { InvocationContext } from '@azure/functions';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../lib/app/create-services';
import { COLLECT_QUEUE } from '../../lib/app/storage-names';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import type { CollectMessage } from '../../lib/collect/collect-message';
import type { WindowSnapshot } from '../../lib/collect/keep-best-snapshot';
import type { MetricRow } from '../../lib/export/export-tables';
import { newRunId } from '../../lib/collect/plan-collection-run';
import { SETTLE_EXPORT_ATTEMPT } from '../../lib/settle/handle-settle-message';
import { DelayedCollectQueue, type DelayedMessage } from '../../lib/settle/settle-queue';
import { startTestApp, type TestApp } from '../support/start-test-app';
import { settledVmCpu, storedVmCpu } from '../support/vm-cpu-window';

/**
 * The settle read end to end, through the worker's queue handler and the real queue in Azurite: the sandbox
 * answers like Azure Monitor (the newest minutes arrive 3 minutes late, some 7), every run is on time (five
 * seconds after its window closes), and the follow-up each run queues is delivered when its visibility
 * timeout has run out. The app's and the sandbox's clock is moved by the test; Azurite's is real, so "the
 * timeout has run out" is played with Update Message (visibility 0, with the pop receipt Put Message
 * returned), exactly what the passing of that time would do to the message.
 */
let clock = new Date('2026-11-23T09:00:05Z');
let app: TestApp;
let services: Services;
let queue: QueueClient;
/** Every delayed message the worker queued, as Put Message answered (the real queue got each of them). */
const queued: Array<{ message: CollectMessage; sent: DelayedMessage; visibleAt: Date }> = [];
const HOUR = 3_600_000;
const FIRST = Date.parse('2026-11-23T09:00:00Z');
const windowAt = (i: number) => ({
  windowStart: new Date(FIRST + i * HOUR).toISOString(),
  windowEnd: new Date(FIRST + (i + 1) * HOUR).toISOString(),
});
let vm = '';

function context(dequeueCount: number): InvocationContext {
  return new InvocationContext({
    functionName: 'collect-customer',
    invocationId: `invocation-${dequeueCount}`,
    triggerMetadata: { dequeueCount },
    logHandler: () => undefined,
  });
}

/** Calls into the customer's tenant the sandbox served since `before`, by kind. */
function callsSince(before: Readonly<Record<string, number>>): Record<string, number> {
  const now = app.env.sandbox.requests.counts();
  const diff: Record<string, number> = {};
  for (const [kind, count] of Object.entries(now)) {
    if (kind.startsWith('vault') || kind.startsWith('identity')) continue; // the provider's own vault and MI
    if (count - (before[kind] ?? 0) > 0) diff[kind] = count - (before[kind] ?? 0);
  }
  return diff;
}

/** The scheduled run of window i, on time: through the worker's handler, as the queue would deliver it. */
async function collectOnTime(i: number, deps: Services = services) {
  const window = windowAt(i);
  clock = new Date(Date.parse(window.windowEnd) + 5_000);
  // Tokens are cached on the real clock but checked on the sandbox's: start each hour with a fresh one.
  deps.credentials.forget('contoso');
  const message: CollectMessage = {
    version: 1,
    runId: newRunId(new Date(window.windowStart)),
    customerId: 'contoso',
    ...window,
    trigger: 'schedule',
  };
  const before = app.env.sandbox.requests.counts();
  await handleCollectMessage(deps, message, context(1));
  return { message, calls: callsSince(before) };
}

/** Time passes until the oldest queued settle read is due; the queue hands it to the worker. */
async function deliverNextSettle() {
  const next = queued.shift();
  if (!next) throw new Error('no settle read was queued');
  clock = next.visibleAt;
  await queue.updateMessage(next.sent.messageId, next.sent.popReceipt, undefined, 0);
  const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
  expect(receivedMessageItems).toHaveLength(1);
  const received = receivedMessageItems[0]!;
  const body: unknown = JSON.parse(Buffer.from(received.messageText, 'base64').toString('utf8'));
  const before = app.env.sandbox.requests.counts();
  await handleCollectMessage(services, body, context(received.dequeueCount));
  await queue.deleteMessage(received.messageId, received.popReceipt);
  return { message: body as CollectMessage, calls: callsSince(before) };
}

/** Percentage CPU of contoso's VM in window i: how many of its 12 buckets are stored, how many final. */
const pointsOf = (i: number) => storedVmCpu(services.metricsTable, 'contoso', vm, windowAt(i));
/** What Azure answers once everything has arrived. */
const settledTruth = (i: number) => settledVmCpu(vm, windowAt(i));

/** The VM's CPU rows of window i in Log Analytics, newest per bucket (as the shipped queries read them). */
function newestExportedCpu(i: number): MetricRow[] {
  const { windowStart, windowEnd } = windowAt(i);
  const rows = app.env.sandbox.state.logsIngestion
    .rows(services.config.logsExport!.streams.metrics)
    .map((r) => r as MetricRow)
    .filter((r) => r.ResourceId === vm && r.Metric === 'Percentage CPU')
    .filter((r) => r.TimeGenerated! >= windowStart && r.TimeGenerated! < windowEnd);
  const newest = new Map<string, MetricRow>();
  for (const row of rows) {
    const kept = newest.get(row.TimeGenerated!);
    if (!kept || row.ExportedAt! >= kept.ExportedAt!) newest.set(row.TimeGenerated!, row);
  }
  return [...newest.values()].sort((a, b) => a.TimeGenerated!.localeCompare(b.TimeGenerated!));
}

async function snapshotProvisional(i: number): Promise<number> {
  const window = windowAt(i);
  const snapshot = (await services.snapshots.read('contoso', {
    start: new Date(window.windowStart),
    end: new Date(window.windowEnd),
  })) as WindowSnapshot;
  return snapshot.resources.flatMap((r) => r.datapoints ?? []).filter((p) => p.provisional).length;
}

beforeAll(async () => {
  app = await startTestApp({ now: () => clock });
  const contoso = app.env.scenario.customers.find((c) => c.id === 'contoso')!;
  vm = contoso.resources!.find((r) => r.resourceId.includes('virtualMachines'))!.resourceId;
  queue = QueueServiceClient.fromConnectionString(app.env.azurite.connectionString).getQueueClient(COLLECT_QUEUE);
  await queue.createIfNotExists();
  // The real delayed queue, with a note of what it sent (the test needs the pop receipts to play the clock).
  const real = app.services.settleQueue;
  const recording = Object.assign(Object.create(DelayedCollectQueue.prototype) as DelayedCollectQueue, {
    sendAt: async (message: CollectMessage, visibleAt: Date, now: Date) => {
      const sent = await real.sendAt(message, visibleAt, now);
      queued.push({ message, sent, visibleAt });
      return sent;
    },
  });
  services = { ...app.services, settleQueue: recording };
});
afterAll(async () => app?.close());

describe('settle read (ingestion delay on, every run on time)', () => {
  it('ends three consecutive on-time windows with every point present and final, without a fourth run', async () => {
    const measured: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await collectOnTime(i);
      // Read on time, the window's last buckets are still filling: stored, but provisional.
      expect(await pointsOf(i)).toMatchObject({ present: 12, final: 10 });
      expect(queued).toHaveLength(1);
      const { message, sent, visibleAt } = queued[0]!;
      expect(message).toEqual({ ...run.message, trigger: 'settle' });
      // Visible once the longest ingestion delay of any source (Fabric's 15 minutes) and the 2-minute margin
      // have passed.
      expect(visibleAt.toISOString()).toBe(new Date(Date.parse(run.message.windowEnd) + 17 * 60_000).toISOString());
      expect(sent.visibilityTimeoutSeconds).toBe(17 * 60 - 5);
      // The queue really holds it back: counted, but nothing a worker could receive now.
      expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
      expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
      expect((await services.runs.find(run.message.runId, 'contoso'))?.settleStatus).toBe('queued');

      const settle = await deliverNextSettle();
      const { points, present, final } = await pointsOf(i);
      expect({ present, final }).toEqual({ present: 12, final: 12 });
      expect(points.map((p) => p.average)).toEqual(settledTruth(i));
      expect(await snapshotProvisional(i)).toBe(0);
      // Into the tenant, metrics only: no Resource Graph query, no ARM read of state, no token (the run's is
      // still valid); then one upload of our own, the settled points' analytics copy.
      expect(settle.calls).toEqual({ 'metrics getBatch': 2, 'logsIngestion POST': 1 });
      // Log Analytics is final as soon as the table is: the newest exported row of every bucket (what the
      // shipped queries keep, arg_max(ExportedAt)) is the settled value, sent under the run's id, attempt 0.
      const newest = newestExportedCpu(i);
      expect(newest.map((r) => [r.Average, r.Provisional])).toEqual(settledTruth(i).map((v) => [v, false]));
      // The two buckets the run exported provisional now end with the settle read's rows.
      expect(newest.slice(-2).map((r) => [r.RunId, r.Attempt])).toEqual([
        [run.message.runId, SETTLE_EXPORT_ATTEMPT],
        [run.message.runId, SETTLE_EXPORT_ATTEMPT],
      ]);
      expect(run.calls['arm resourceGraph']).toBe(1);
      const record = await services.runs.find(run.message.runId, 'contoso');
      expect(record).toMatchObject({ status: 'succeeded', settleStatus: 'settled', settleCalls: 2 });
      expect(record?.settleStillProvisional).toBe(0);
      measured.push(
        `window ${i}: after run ${present}/12 present, 10 final; after settle ${final} final; run calls ` +
          `${JSON.stringify(run.calls)}, settle calls ${JSON.stringify(settle.calls)}`,
      );
    }
    // No fourth run: all three windows are complete and final.
    for (let i = 0; i < 3; i++) expect(await pointsOf(i)).toMatchObject({ present: 12, final: 12 });
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
    console.info(measured.join('\n'));
  });

  it('queues nothing when the run stored nothing provisional, or when the setting is off', async () => {
    // Collected late (window 4 read 30 minutes after it closed): every bucket had settled already.
    const window = windowAt(4);
    clock = new Date(Date.parse(window.windowEnd) + 30 * 60_000);
    services.credentials.forget('contoso');
    const late: CollectMessage = {
      version: 1,
      runId: newRunId(new Date(window.windowStart)),
      customerId: 'contoso',
      ...window,
      trigger: 'schedule',
    };
    await handleCollectMessage(services, late, context(1));
    expect(await pointsOf(4)).toMatchObject({ present: 12, final: 12 });
    expect(queued).toHaveLength(0);

    // SETTLE_READ_ENABLED=false: on time, provisional points, and still no follow-up.
    const off = { ...services, config: { ...services.config, settleReadEnabled: false } };
    await collectOnTime(6, off);
    expect(await pointsOf(6)).toMatchObject({ present: 12, final: 10 });
    expect(queued).toHaveLength(0);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
  });

  it('makes no call for a settle read delivered twice, and drops one that names another run', async () => {
    const run = await collectOnTime(8);
    const first = await deliverNextSettle();
    expect(first.calls).toEqual({ 'metrics getBatch': 2, 'logsIngestion POST': 1 });
    // At-least-once delivery: the same message again finds nothing provisional in the window's snapshot.
    const before = app.env.sandbox.requests.counts();
    await handleCollectMessage(services, first.message, context(1));
    expect(callsSince(before)).toEqual({});
    expect((await services.runs.find(run.message.runId, 'contoso'))?.settleStatus).toBe('nothingProvisional');

    // A settle message under window 8's run id for window 9 cannot write under that run, nor collect window 9.
    const forged = { ...first.message, ...windowAt(9) };
    clock = new Date(Date.parse(windowAt(9).windowEnd) + 20 * 60_000);
    await handleCollectMessage(services, forged, context(1));
    expect(callsSince(before)).toEqual({});
    expect(await pointsOf(9)).toMatchObject({ present: 0 });
    // Nor can one for a run that never existed.
    await handleCollectMessage(services, { ...forged, runId: newRunId(new Date(windowAt(9).windowStart)) }, context(1));
    expect(callsSince(before)).toEqual({});
  });
});
