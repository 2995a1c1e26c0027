import { TableClient } from '@azure/data-tables';
import { InvocationContext } from '@azure/functions';
import { METRICS_TABLE } from '../../lib/app/storage-names';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prunesAuditRetention } from '../../lib/audit/audit-retention';
import { countStorageRequests, type StorageRequestCounter } from '../../lib/bench/count-storage-requests';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import { metricPartitionKey, metricRowKey } from '../../lib/store/metric-keys';
import { recentWindow } from '../support/recent-window';
import { startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
let storage: StorageRequestCounter;

beforeAll(async () => {
  app = await startTestApp();
  const services = new Map([
    [new URL(app.env.azurite.blobEndpoint).host, 'blob' as const],
    [new URL(app.env.azurite.queueEndpoint).host, 'queue' as const],
    [new URL(app.env.azurite.tableEndpoint).host, 'table' as const],
  ]);
  storage = countStorageRequests((host) => services.get(host));
});
afterAll(async () => {
  storage?.close();
  await app?.close();
});

/**
 * Hourly windows that closed 2-26 hours ago, chosen by whether they are the first of their UTC day, so the
 * test means the same at any time of day (the audit is pruned in that window only).
 */
function windowsWhere(firstOfDay: boolean): Array<{ windowStart: string; windowEnd: string }> {
  return Array.from({ length: 25 }, (_, i) => recentWindow(i + 2)).filter(
    (w) => prunesAuditRetention(w) === firstOfDay,
  );
}

/** Delivers one schedule message and returns the storage requests it made, by kind (e.g. `table query metrics`). */
async function deliver(customerId: string, window: { windowStart: string; windowEnd: string }, runId: string) {
  storage.reset();
  const context = new InvocationContext({
    functionName: 'collect-customer',
    invocationId: runId,
    triggerMetadata: { dequeueCount: 1 },
    logHandler: () => undefined,
  });
  await handleCollectMessage(app.services, { version: 1, runId, customerId, ...window, trigger: 'schedule' }, context);
  return storage.counts();
}

describe('handleCollectMessage: storage requests per message', () => {
  it('a customer never collected before: its first summary needs no history query, batch working needs no write', async () => {
    const [window] = windowsWhere(false);
    const calls = await deliver('contoso', window!, 'calls-first');
    // No status row yet: nothing stored before this run, so the summary is this run's points (no metrics query).
    expect(calls['table query metrics']).toBeUndefined();
    // Not the day's first window: the audit is written (one transaction) but not pruned (no audit query).
    expect(calls['table query audit']).toBeUndefined();
    // The status row and the metrics-access row (first sight of the customer in this process) are read once
    // each; only the status is written: no access row reads as "batch works", which is what it found.
    expect(calls['table get customerstatus']).toBe(2);
    expect(calls['table upsert customerstatus']).toBe(1);
    // The runs table: one read (the coverage watermark); the run record's start is a conditional insert (no
    // read of its owner first), then its customer row, and both rows again when it finishes; the coverage row
    // with its watermark is one transaction.
    expect(calls['table get runs']).toBe(1);
    expect(calls['table upsert runs']).toBe(4);
    // The analytics export is on (the demo has a data collection rule): the customer's pending exports are
    // listed once, by the collection's export, and the run's export reuses that list.
    expect(app.services.analytics).toBeDefined();
    expect(calls['table query exportpending']).toBe(1);
    // The window's first scheduled attempt creates its snapshot without reading for one first.
    expect(calls['blob get']).toBeUndefined();
    const [series] = await app.services.summaries.listCustomer('contoso');
    expect(series?.hours.length).toBeGreaterThan(0);
  });

  it('a customer collected before but without a summary still gets its first summary rebuilt from history', async () => {
    const [collected, earlier] = windowsWhere(false);
    await app.services.summaries.removeCustomer('contoso');
    const calls = await deliver('contoso', earlier!, 'calls-rebuild');
    expect(calls['table query metrics']).toBe(1);
    // The rebuilt summary holds the hour collected by the first test as well as this run's.
    const hours = new Set(
      (await app.services.summaries.listCustomer('contoso')).flatMap((s) => s.hours.map((h) => h.hour)),
    );
    expect(hours).toContain(Date.parse(collected!.windowStart) / 3_600_000);
    expect(hours).toContain(Date.parse(earlier!.windowStart) / 3_600_000);
    // Known in this process now: the access row is not read again.
    expect(calls['table get customerstatus']).toBe(1);
  });

  it("prunes the customer's expired audit entries in the first window of the UTC day only", async () => {
    const [firstOfDay] = windowsWhere(true);
    const calls = await deliver('contoso', firstOfDay!, 'calls-prune');
    expect(calls['table query audit']).toBe(1);
  });
});

describe('collectCustomer: look-back points already settled', () => {
  it("does not rewrite the previous window's settled rows that the look-back reads again, and counts them", async () => {
    const earlier = recentWindow(11);
    const next = recentWindow(10);
    await deliver('contoso', earlier, 'settled-earlier');
    const [series] = await app.services.summaries.listCustomer('contoso');
    if (!series) throw new Error('contoso has no summary');
    // The earlier window's last five-minute bucket: read long after its window closed, so settled; the next
    // window's 20-minute look-back reads it again.
    const table = TableClient.fromConnectionString(app.env.azurite.connectionString, METRICS_TABLE, {
      allowInsecureConnection: true,
    });
    const partitionKey = metricPartitionKey('contoso', series.resourceId, series.metric, series.dimensions);
    const lastBucket = metricRowKey(new Date(Date.parse(earlier.windowEnd) - 5 * 60_000));
    const before = await table.getEntity(partitionKey, lastBucket);
    await deliver('contoso', next, 'settled-next');
    const after = await table.getEntity(partitionKey, lastBucket);
    expect(after.etag).toBe(before.etag);
    // The run still reports them among the datapoints it stored: 12 of its window and 4 of the look-back per series.
    const run = await app.services.runs.find('settled-next', 'contoso');
    const earlierRun = await app.services.runs.find('settled-earlier', 'contoso');
    expect(run?.datapointsWritten).toBe(earlierRun?.datapointsWritten);
  });
});

describe('prunesAuditRetention', () => {
  it('is true for the first window starting on a UTC day, whatever the window length', () => {
    const window = (start: string, minutes: number) => ({
      windowStart: start,
      windowEnd: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    });
    expect(prunesAuditRetention(window('2026-11-22T00:00:00.000Z', 60))).toBe(true);
    expect(prunesAuditRetention(window('2026-11-22T01:00:00.000Z', 60))).toBe(false);
    expect(prunesAuditRetention(window('2026-11-22T23:00:00.000Z', 60))).toBe(false);
    expect(prunesAuditRetention(window('2026-11-22T00:00:00.000Z', 5))).toBe(true);
    expect(prunesAuditRetention(window('2026-11-22T00:05:00.000Z', 5))).toBe(false);
    expect(prunesAuditRetention(window('2026-11-22T06:00:00.000Z', 24 * 60))).toBe(true);
  });
});
