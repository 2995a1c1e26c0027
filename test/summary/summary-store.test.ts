import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../lib/local/azurite/start-azurite';
import { createLocalCertificate } from '../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../lib/local/tls/trust-certificate';
import { writeCertificateFiles } from '../../lib/local/tls/write-certificate-files';
import type { Datapoint } from '../../lib/metrics/datapoint';
import { MetricsTable } from '../../lib/store/metrics-table';
import { rollUpHour } from '../../lib/summary/series-summary';
import { SummaryStore } from '../../lib/summary/summary-store';

const ACCOUNT =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default';
const VM =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';
const NOW = new Date('2026-11-22T12:30:00Z');
const blobs = (hh: string, tier: string, value: number, provisional = false): Datapoint => ({
  resourceId: ACCOUNT,
  metric: 'BlobCount',
  dimensions: { Tier: tier },
  timestamp: `2026-11-22T${hh}:00:00Z`,
  interval: 'PT1H',
  unit: 'Count',
  average: value,
  ...(provisional ? { provisional: true } : {}),
});
/** Twelve five-minute CPU buckets of one hour, the last two provisional unless `settled`. */
const cpuHour = (hh: string, base: number, settled = false): Datapoint[] =>
  Array.from({ length: 12 }, (_, i) => ({
    resourceId: VM,
    metric: 'Percentage CPU',
    timestamp: `2026-11-22T${hh}:${String(i * 5).padStart(2, '0')}:00Z`,
    interval: 'PT5M',
    unit: 'Percent',
    average: base + i,
    maximum: base + i + 5,
    ...(i >= 10 && !settled ? { provisional: true } : {}),
  }));

describe('SummaryStore', () => {
  let azurite: RunningAzurite;
  let certDir: string;
  let metrics: MetricsTable;
  let store: SummaryStore;
  let table: TableClient;

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    certDir = await mkdtemp(path.join(os.tmpdir(), 'summary-store-test-'));
    const files = await writeCertificateFiles(certificate, certDir);
    trustCertificate(certificate.caPem);
    azurite = await startAzurite({ certPath: files.certPath, keyPath: files.keyPath });
    const metricsClient = TableClient.fromConnectionString(azurite.connectionString, 'metrics');
    table = TableClient.fromConnectionString(azurite.connectionString, 'summaries');
    await Promise.all([metricsClient.createTable(), table.createTable()]);
    metrics = new MetricsTable(metricsClient);
    store = new SummaryStore(table, metrics, () => NOW);
  });
  afterAll(async () => {
    await azurite?.close();
    await rm(certDir, { recursive: true, force: true });
  });

  /** A store on its own real client whose pipeline runs `before` ahead of each request it sends. */
  const storeWith = (before: (request: { method: string; url: string }) => Promise<unknown> | void) =>
    new SummaryStore(
      TableClient.fromConnectionString(azurite.connectionString, 'summaries', {
        additionalPolicies: [
          {
            position: 'perCall',
            policy: {
              name: 'before-each-request',
              async sendRequest(request, next) {
                await before(request);
                return next(request);
              },
            },
          },
        ],
      }),
      metrics,
      () => NOW,
    );
  const isTransaction = (request: { method: string; url: string }) =>
    request.method === 'POST' && request.url.includes('$batch');

  it('keeps each split series on its own, and a re-run of the same window writes nothing', async () => {
    const points = [blobs('10', 'Hot', 7), blobs('10', 'Standard', 2), blobs('11', 'Hot', 8, true)];
    await metrics.write('split', points);
    expect(await store.record('split', points)).toMatchObject({ seriesWritten: 2, conflicts: 0 });
    expect(await store.record('split', points)).toMatchObject({ seriesWritten: 0 });
    const series = await store.listCustomer('split');
    const byTier = new Map(series.map((s) => [s.dimensions?.Tier, s]));
    expect([...byTier.keys()].sort()).toEqual(['Hot', 'Standard']);
    expect(byTier.get('Hot')?.latest).toMatchObject({
      timestamp: '2026-11-22T11:00:00Z',
      average: 8,
      provisional: true,
    });
    expect(byTier.get('Standard')?.hours.map(rollUpHour)).toEqual([
      {
        hour: '2026-11-22T10:00:00Z',
        points: 1,
        average: 2,
        minimum: 2,
        maximum: 2,
        maximumAt: '2026-11-22T10:00:00Z',
      },
    ]);
    const top = await store.listTop('blobcount');
    expect(top.map((t) => t.dimensions?.Tier).sort()).toEqual(['Hot', 'Standard']);
    expect(top.find((t) => t.dimensions?.Tier === 'Hot')?.hours).toEqual([
      expect.objectContaining({ maximum: 7, points: 1, provisional: false }),
      expect.objectContaining({ maximum: 8, points: 1, provisional: true }),
    ]);
  });

  it('builds a first summary from the stored history of the last 7 days, once', async () => {
    const history = [...cpuHour('08', 10, true), ...cpuHour('09', 20, true)];
    await metrics.write('legacy', history);
    const run = cpuHour('10', 30);
    await metrics.write('legacy', run);
    expect(await store.record('legacy', run)).toMatchObject({ seriesWritten: 1, seriesRebuilt: 1 });
    const [series] = await store.listCustomer('legacy');
    expect(series?.hours.map((h) => rollUpHour(h).hour)).toEqual([
      '2026-11-22T08:00:00Z',
      '2026-11-22T09:00:00Z',
      '2026-11-22T10:00:00Z',
    ]);
    expect(series?.hours.map((h) => rollUpHour(h).points)).toEqual([12, 12, 12]);
    // The summary exists now: the next run merges its own points and reads no history.
    expect(await store.record('legacy', cpuHour('11', 40))).toMatchObject({ seriesWritten: 1, seriesRebuilt: 0 });
  });

  it('costs a run 4 table requests: read the partition, one transaction, the ranking copies, the revision check', async () => {
    let requests = 0;
    const counted = storeWith(() => {
      requests++;
    });
    await counted.record('legacy', cpuHour('11', 41, true));
    expect(requests).toBe(4);
    requests = 0;
    await counted.record('legacy', cpuHour('11', 41, true));
    expect(requests).toBe(1);
  });

  it('lands two runs of one customer that merge at the same moment (ETag conflict, fresh read, retry)', async () => {
    await store.record('busy', cpuHour('09', 0));
    // Run A's client lets run B merge completely between A's read and A's transaction: A's ETag is stale.
    let interleaved: Promise<unknown> | undefined;
    const runB = () => store.record('busy', [...cpuHour('11', 20), ...cpuHour('09', 0, true).slice(8)]);
    const runA = storeWith(async (request) => {
      if (isTransaction(request) && !interleaved) await (interleaved = runB());
    });
    expect(await runA.record('busy', cpuHour('10', 10))).toMatchObject({ seriesWritten: 1, conflicts: 1 });
    await expect(interleaved).resolves.toMatchObject({ seriesWritten: 1, conflicts: 0 });
    const [series] = await store.listCustomer('busy');
    const hours = series!.hours.map(rollUpHour);
    expect(hours.map((h) => [h.hour, h.points, h.provisional ?? false])).toEqual([
      ['2026-11-22T09:00:00Z', 12, false],
      ['2026-11-22T10:00:00Z', 12, true],
      ['2026-11-22T11:00:00Z', 12, true],
    ]);
    expect(series?.latest?.timestamp).toBe('2026-11-22T11:55:00Z');
    // The ranking copy is the newest revision, whichever run wrote its copy last.
    const [top] = await store.listTop('Percentage CPU').then((rows) => rows.filter((r) => r.customerId === 'busy'));
    expect(top?.hours.map((h) => h.points)).toEqual([12, 12, 12]);
  });

  it('never leaves an older ranking copy behind when a slower run writes its copy last', async () => {
    await store.record('late', cpuHour('09', 0));
    // Run A merges first; run B merges and copies completely before A's copy (A's second transaction) lands.
    let batches = 0;
    let interleaved: Promise<unknown> | undefined;
    const runA = storeWith(async (request) => {
      if (isTransaction(request) && ++batches === 2) await (interleaved = store.record('late', cpuHour('11', 20)));
    });
    await runA.record('late', cpuHour('10', 10));
    await expect(interleaved).resolves.toMatchObject({ seriesWritten: 1 });
    const [top] = (await store.listTop('Percentage CPU')).filter((r) => r.customerId === 'late');
    expect(top?.hours.map((h) => h.hour % 24)).toEqual([9, 10, 11]);
  });

  it('fits a week of one-minute points in one entity (JSON split over properties under 64 KiB each)', async () => {
    const points: Datapoint[] = [];
    for (let m = 0; m < 7 * 24 * 60; m++) {
      const t = new Date(NOW.getTime() - (m + 1) * 60_000);
      points.push({
        resourceId: VM,
        metric: 'Network In',
        timestamp: t.toISOString(),
        interval: 'PT1M',
        average: Math.PI * m,
        minimum: Math.E * m,
        maximum: 1e9 / (m + 1),
        total: 123456.789 * m,
        count: 60,
      });
    }
    expect(await store.record('chatty', points)).toMatchObject({ seriesWritten: 1 });
    const [series] = await store.listCustomer('chatty');
    expect(series?.hours.length).toBe(169);
    expect(series?.hours.reduce((n, h) => n + rollUpHour(h).points, 0)).toBe(points.length);
  });

  it('forgets a customer with its ranking rows', async () => {
    expect(await store.removeCustomer('split')).toBe(2);
    expect(await store.listCustomer('split')).toEqual([]);
    expect((await store.listTop('BlobCount')).filter((r) => r.customerId === 'split')).toEqual([]);
  });
});
