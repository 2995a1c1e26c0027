import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../lib/local/azurite/start-azurite';
import { createLocalCertificate } from '../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../lib/local/tls/trust-certificate';
import { writeCertificateFiles } from '../../lib/local/tls/write-certificate-files';
import {
  CustomerStatusStore,
  type CustomerStatusUpdate,
  type ResourceOutcome,
} from '../../lib/store/customer-status-store';

const vm = (i: number) =>
  `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-a-rather-long-resource-group-name/providers/Microsoft.Compute/virtualMachines/vm-${i}`;
const update = (resources: ResourceOutcome[]): CustomerStatusUpdate => ({
  customerId: 'large',
  lastRunId: '20261122T0800Z-status01',
  lastWindowStart: '2026-11-22T08:00:00.000Z',
  lastWindowEnd: '2026-11-22T09:00:00.000Z',
  lastAttemptAt: '2026-11-22T09:05:00.000Z',
  outcome: 'failed',
  errorCode: 'AuthorizationFailed',
  datapointsWritten: 0,
  resources,
  metricsCost: 1234,
  resourcesReused: 10,
});

describe('CustomerStatusStore', () => {
  let azurite: RunningAzurite;
  let certDir: string;
  let store: CustomerStatusStore;

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    certDir = await mkdtemp(path.join(os.tmpdir(), 'status-store-test-'));
    const files = await writeCertificateFiles(certificate, certDir);
    trustCertificate(certificate.caPem);
    azurite = await startAzurite({ certPath: files.certPath, keyPath: files.keyPath });
    const client = TableClient.fromConnectionString(azurite.connectionString, 'statustest');
    await client.createTable();
    store = new CustomerStatusStore(client);
  });
  afterAll(async () => {
    await azurite?.close();
    await rm(certDir, { recursive: true, force: true });
  });

  it('keeps every outcome of a 1,000-resource customer, far past one 64 KiB property', async () => {
    const resources = Array.from({ length: 1000 }, (_, i) => ({ resourceId: vm(i), ok: true, datapoints: 160 }));
    await store.record({ ...update(resources), outcome: 'ok' });
    const status = await store.find('large');
    expect(status?.resources).toEqual(resources);
    expect(status).toMatchObject({ metricsCost: 1234, resourcesReused: 10 });
  });

  it('still writes the row when thousands of long failures do not fit one entity, listing as many as fit', async () => {
    const message = `The client does not have authorization to perform action 'Microsoft.Insights/metrics/read' ${'x'.repeat(400)}`;
    const resources = Array.from({ length: 3000 }, (_, i) => ({
      resourceId: vm(i),
      ok: false,
      datapoints: 0,
      code: 'AuthorizationFailed',
      message,
    }));
    await store.record(update(resources));
    const status = await store.find('large');
    const listed = status!.resources.filter((r) => !r.resourceId.startsWith('('));
    expect(listed.length).toBeGreaterThan(100);
    expect(listed.every((r) => r.code === 'AuthorizationFailed' && (r.message?.length ?? 0) <= 200)).toBe(true);
    expect(status!.resources.at(-1)?.resourceId).toBe(
      `(0 resources collected without error, ${3000 - listed.length} more failed)`,
    );
  });
});
