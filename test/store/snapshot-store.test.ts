import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageRequestCounter } from '../../lib/bench/count-storage-requests';
import { keepBestSnapshot, type WindowSnapshot } from '../../lib/collect/keep-best-snapshot';
import { SnapshotStore } from '../../lib/store/snapshot-store';
import { startCountedAzurite, type CountedAzurite } from '../support/counted-azurite';

let counted: CountedAzurite;
let storage: StorageRequestCounter;
let store: SnapshotStore;

beforeAll(async () => {
  counted = await startCountedAzurite();
  storage = counted.storage;
  const container = BlobServiceClient.fromConnectionString(counted.azurite.connectionString).getContainerClient(
    'snapshots',
  );
  await container.create();
  store = new SnapshotStore(container);
});
afterAll(async () => counted?.close());

const window = (hour: number) => ({
  start: new Date(Date.UTC(2026, 10, 22, hour)),
  end: new Date(Date.UTC(2026, 10, 22, hour + 1)),
});
const snapshot = (runId: string, resourceIds: string[]): WindowSnapshot => ({
  schema: 1,
  runId,
  resources: resourceIds.map((resourceId) => ({ resourceId, runId, datapoints: [{}], error: null })),
});
const mergeInto = (next: WindowSnapshot) => (kept: unknown) => keepBestSnapshot(kept as WindowSnapshot, next);

describe('SnapshotStore.writeMerged', () => {
  it("a window's first scheduled attempt (likely new) creates the blob without reading it first", async () => {
    storage.reset();
    const written = await store.writeMerged('contoso', window(8), mergeInto(snapshot('run-a', ['vm1'])), {
      likelyNew: true,
    });
    expect(written.changed).toBe(true);
    expect(storage.counts()).toEqual({ 'blob put': 1 });
    expect((await store.read('contoso', window(8))) as WindowSnapshot).toMatchObject({ runId: 'run-a' });
  });

  it('one that exists after all is not overwritten: the create fails, and it is read and merged', async () => {
    await store.writeMerged('contoso', window(9), mergeInto(snapshot('manual', ['vm1', 'vm2'])));
    storage.reset();
    await store.writeMerged('contoso', window(9), mergeInto(snapshot('scheduled', ['vm1'])), { likelyNew: true });
    // The conditional create (refused), the read, the conditional replace.
    expect(storage.counts()).toEqual({ 'blob put': 2, 'blob get': 1 });
    const kept = (await store.read('contoso', window(9))) as WindowSnapshot;
    expect(kept.resources.map((r) => `${r.resourceId} ${String(r.runId)}`)).toEqual(['vm1 scheduled', 'vm2 manual']);
  });
});
