import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childProcessUsage } from '../../lib/bench/child-process-usage';
import { countStorageRequests, type StorageRequestCounter } from '../../lib/bench/count-storage-requests';
import { startAzurite, type RunningAzurite } from '../../lib/local/azurite/start-azurite';

let azurite: RunningAzurite;
let counter: StorageRequestCounter;

beforeAll(async () => {
  azurite = await startAzurite();
  const services = new Map([
    [new URL(azurite.blobEndpoint).host, 'blob' as const],
    [new URL(azurite.tableEndpoint).host, 'table' as const],
    [new URL(azurite.queueEndpoint).host, 'queue' as const],
  ]);
  counter = countStorageRequests((host) => services.get(host));
});
afterAll(async () => {
  counter?.close();
  await azurite?.close();
});

describe('countStorageRequests', () => {
  it('counts what the real storage SDKs send, by service and operation', async () => {
    const table = TableClient.fromConnectionString(azurite.connectionString, 'counted', {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.submitTransaction([
      ['upsert', { partitionKey: 'p', rowKey: '1', value: 1 }],
      ['upsert', { partitionKey: 'p', rowKey: '2', value: 2 }],
    ]);
    await table.upsertEntity({ partitionKey: 'p', rowKey: '3', value: 3 });
    await table.getEntity('p', '3');
    for await (const entity of table.listEntities()) expect(entity.partitionKey).toBe('p');
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('counted');
    await container.create();
    await container.getBlockBlobClient('a.json').upload('{}', 2);

    expect(counter.counts()).toEqual({
      'table create table': 1,
      'table batch': 1,
      'table upsert counted': 1,
      'table get counted': 1,
      'table query counted': 1,
      'blob create container': 1,
      'blob put': 1,
    });
    counter.reset();
    expect(counter.counts()).toEqual({});
  });

  it('reads the storage emulator child process’s CPU and memory apart from this process', () => {
    const usage = childProcessUsage();
    // Linux only (the benchmark prints "-" elsewhere); here Azurite is a child of this process.
    if (process.platform !== 'linux') return expect(usage).toBeUndefined();
    expect(usage?.cpuSeconds).toBeGreaterThan(0);
    expect(usage?.rssMb).toBeGreaterThan(10);
  });
});
