import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../lib/local/azurite/start-azurite';
import { ABANDONED_AFTER_MS, RunStore } from '../../lib/store/run-store';

let azurite: RunningAzurite;
let clock = new Date('2026-11-22T09:01:00.000Z');
let runs: RunStore;

beforeAll(async () => {
  azurite = await startAzurite();
  const table = TableClient.fromConnectionString(azurite.connectionString, 'runs', { allowInsecureConnection: true });
  await table.createTable();
  runs = new RunStore(table, () => clock);
});
afterAll(async () => azurite?.close());

describe('RunStore: a run killed mid-way', () => {
  it('reads as abandoned once no attempt can still be working on it, everywhere the record is read', async () => {
    const base = {
      runId: '20261122T0800Z-dead0001',
      customerId: 'contoso',
      trigger: 'schedule' as const,
      windowStart: '2026-11-22T08:00:00.000Z',
      windowEnd: '2026-11-22T09:00:00.000Z',
    };
    await runs.record({ ...base, status: 'running', startedAt: clock.toISOString(), updatedAt: clock.toISOString() });
    expect((await runs.find(base.runId, 'contoso'))?.status).toBe('running');

    clock = new Date(clock.getTime() + ABANDONED_AFTER_MS + 1000);
    expect((await runs.find(base.runId, 'contoso'))?.status).toBe('abandoned');
    expect((await runs.get(base.runId)).map((r) => r.status)).toEqual(['abandoned']);
    expect((await runs.recent('contoso')).map((r) => r.status)).toEqual(['abandoned']);

    // A new attempt (the host redelivered the message) makes it running again.
    await runs.record({ ...base, status: 'running', updatedAt: clock.toISOString() });
    expect((await runs.find(base.runId, 'contoso'))?.status).toBe('running');
  });

  it('lets a new on-demand request take over an abandoned window instead of joining it forever', async () => {
    const windowStart = '2026-11-22T07:00:00.000Z';
    const first = await runs.claimWindow('contoso', windowStart, '20261122T0700Z-dead0002');
    await runs.record({
      runId: first.runId,
      customerId: 'contoso',
      windowStart,
      windowEnd: '2026-11-22T08:00:00.000Z',
      trigger: 'manual',
      status: 'running',
      updatedAt: clock.toISOString(),
    });
    expect(await runs.claimWindow('contoso', windowStart, '20261122T0700Z-dead0003')).toEqual({
      runId: first.runId,
      claimed: false,
    });
    clock = new Date(clock.getTime() + ABANDONED_AFTER_MS + 1000);
    expect(await runs.claimWindow('contoso', windowStart, '20261122T0700Z-dead0004')).toEqual({
      runId: '20261122T0700Z-dead0004',
      claimed: true,
    });
  });
});
