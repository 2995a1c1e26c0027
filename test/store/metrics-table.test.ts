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
import { dimensionKey, metricPartitionKey } from '../../lib/store/metric-keys';
import { MetricsTable } from '../../lib/store/metrics-table';

const ACCOUNT =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default';
const hours = ['09', '10', '11'].map((h) => `2026-11-22T${h}:00:00Z`);
const point = (metric: string, timestamp: string, average: number, dimensions?: Record<string, string>): Datapoint => ({
  resourceId: ACCOUNT,
  metric,
  ...(dimensions ? { dimensions } : {}),
  timestamp,
  interval: 'PT1H',
  average,
});

describe('MetricsTable', () => {
  let azurite: RunningAzurite;
  let certDir: string;
  let client: TableClient;
  let table: MetricsTable;
  const range = { from: new Date(hours[0]!), to: new Date('2026-11-22T12:00:00Z') };

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    certDir = await mkdtemp(path.join(os.tmpdir(), 'metrics-table-test-'));
    const files = await writeCertificateFiles(certificate, certDir);
    trustCertificate(certificate.caPem);
    azurite = await startAzurite({ certPath: files.certPath, keyPath: files.keyPath });
    client = TableClient.fromConnectionString(azurite.connectionString, 'metricstest');
    await client.createTable();
    table = new MetricsTable(client);
  });
  afterAll(async () => {
    await azurite?.close();
    await rm(certDir, { recursive: true, force: true });
  });

  it('stores each split series in its own partition and counts the rows it wrote', async () => {
    const points = hours.flatMap((t) => [
      point('BlobCount', t, 7, { Tier: 'Hot' }),
      point('BlobCount', t, 2, { Tier: 'Standard' }),
    ]);
    // The same bucket read twice in one batch is one row, and counted once.
    const written = await table.write('acme', [...points, point('BlobCount', hours[2]!, 8, { Tier: 'Hot' })]);
    expect(written).toBe(6);
    const partitions = new Set<string>();
    for await (const e of client.listEntities()) partitions.add(e.partitionKey as string);
    expect(partitions).toEqual(
      new Set([
        metricPartitionKey('acme', ACCOUNT, 'BlobCount', { Tier: 'Hot' }),
        metricPartitionKey('acme', ACCOUNT, 'BlobCount', { tier: 'Standard' }),
      ]),
    );
    const hot = await table.query({
      customerId: 'acme',
      resourceId: ACCOUNT,
      metric: 'BlobCount',
      dimensions: { Tier: 'Hot' },
      ...range,
    });
    expect(hot.map((p) => p.average)).toEqual([7, 7, 8]);
    expect(hot[0]?.dimensions).toEqual({ Tier: 'Hot' });
  });

  it('keeps the unsplit key of a series without dimensions (existing rows keep their meaning)', () => {
    expect(metricPartitionKey('acme', ACCOUNT, 'BlobCount', {})).toBe(metricPartitionKey('acme', ACCOUNT, 'BlobCount'));
    expect(dimensionKey({ Tier: 'Hot', ApiName: 'GetBlob' })).toBe(dimensionKey({ apiname: 'GetBlob', tier: 'Hot' }));
    expect(dimensionKey({ Tier: 'Hot' })).not.toBe(dimensionKey({ Tier: 'Cool' }));
  });

  it('reads every series of a metric in one pass: unsplit first, then the split ones, and resumes inside one', async () => {
    await table.write('acme', [point('BlobCount', hours[0]!, 9), point('BlobCountOther', hours[0]!, 1)]);
    const all = await table.querySeries({ customerId: 'acme', resourceId: ACCOUNT, metric: 'BlobCount', ...range });
    expect(all.map((s) => s.points.length)).toEqual([1, 3, 3]);
    expect(all[0]).toMatchObject({ dimensionKey: '' });
    expect(all[0]).not.toHaveProperty('dimensions');
    const split = all.slice(1);
    expect(split.map((s) => s.dimensions?.Tier).sort()).toEqual(['Hot', 'Standard']);
    expect(split.map((s) => s.dimensionKey)).toEqual(split.map((s) => s.dimensionKey).sort());
    const second = all[1]!;
    const resumed = await table.querySeries({
      customerId: 'acme',
      resourceId: ACCOUNT,
      metric: 'BlobCount',
      ...range,
      resume: { dimensionKey: second.dimensionKey, from: new Date(hours[1]!) },
      limit: 3,
    });
    expect(resumed.map((s) => [s.dimensionKey, s.points.map((p) => p.timestamp)])).toEqual([
      [second.dimensionKey, hours.slice(1)],
      [all[2]!.dimensionKey, hours.slice(0, 1)],
    ]);
  });

  it('stores a provisional bucket with its flag, and a later final reading without it', async () => {
    const pending = { ...point('Transactions', hours[0]!, 5), provisional: true };
    await table.write('acme', [pending]);
    const q = { customerId: 'acme', resourceId: ACCOUNT, metric: 'Transactions', ...range };
    expect((await table.query(q))[0]).toMatchObject({ provisional: true, average: 5 });
    await table.write('acme', [point('Transactions', hours[0]!, 6)]);
    const [final] = await table.query(q);
    expect(final?.average).toBe(6);
    expect(final).not.toHaveProperty('provisional');
  });
});
