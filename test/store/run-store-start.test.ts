import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageRequestCounter } from '../../lib/bench/count-storage-requests';
import { RunStore } from '../../lib/store/run-store';
import { startCountedAzurite, type CountedAzurite } from '../support/counted-azurite';

let counted: CountedAzurite;
let storage: StorageRequestCounter;
let runs: RunStore;

beforeAll(async () => {
  counted = await startCountedAzurite();
  storage = counted.storage;
  runs = new RunStore(await counted.createTable('runs'), () => new Date('2026-11-22T09:01:00.000Z'));
});
afterAll(async () => counted?.close());

const attempt = (windowStart: string, windowEnd: string, attempts: number) => ({
  runId: '20261122T0800Z-start001',
  customerId: 'contoso',
  trigger: 'schedule' as const,
  windowStart,
  windowEnd,
  status: 'running' as const,
  updatedAt: '2026-11-22T09:00:05.000Z',
  attempts,
});
const EIGHT = ['2026-11-22T08:00:00.000Z', '2026-11-22T09:00:00.000Z'] as const;

describe('RunStore.start', () => {
  it("records a new run's start with a conditional insert and the customer row: no read first", async () => {
    storage.reset();
    expect(await runs.start(attempt(...EIGHT, 1))).toBeUndefined();
    expect(storage.counts()).toEqual({ 'table upsert runs': 2 });
    expect(await runs.find('20261122T0800Z-start001', 'contoso')).toMatchObject({ status: 'running', attempts: 1 });
    expect((await runs.recent('contoso'))[0]).toMatchObject({ runId: '20261122T0800Z-start001', attempts: 1 });
  });

  it('a retry of the same window finds the record, reads it, and merges its start into both rows', async () => {
    await runs.record({ ...attempt(...EIGHT, 1), status: 'retrying', errorCode: 'Throttled' });
    expect(await runs.start(attempt(...EIGHT, 2))).toBeUndefined();
    const record = await runs.find('20261122T0800Z-start001', 'contoso');
    expect(record).toMatchObject({ status: 'running', attempts: 2, errorCode: 'Throttled' });
    expect((await runs.recent('contoso'))[0]).toMatchObject({ status: 'running', attempts: 2 });
  });

  it("returns another window's record for the same run id and writes nothing", async () => {
    const before = await runs.find('20261122T0800Z-start001', 'contoso');
    const other = await runs.start(attempt('2026-11-22T05:00:00.000Z', '2026-11-22T06:00:00.000Z', 1));
    expect(other).toEqual(before);
    expect(await runs.find('20261122T0800Z-start001', 'contoso')).toEqual(before);
    expect((await runs.recent('contoso')).map((r) => r.windowStart)).toEqual([EIGHT[0]]);
  });
});
