import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageRequestCounter } from '../../lib/bench/count-storage-requests';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { planGapHealing, recordWindowOutcome, type CoverageDependencies } from '../../lib/collect/track-coverage';
import { CoverageStore } from '../../lib/store/coverage-store';
import { startCountedAzurite, type CountedAzurite } from '../support/counted-azurite';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 22, hour));
let counted: CountedAzurite;
let storage: StorageRequestCounter;
let deps: CoverageDependencies & { config: { backfillWindowsPerRun: number; metricsRetentionDays: number } };
const clock = new Date(at(9).getTime() + 5_000);

const message = (
  customerId: string,
  hour: number,
  trigger: CollectMessage['trigger'] = 'schedule',
): CollectMessage => ({
  version: 1,
  runId: `run-${customerId}-${hour}`,
  customerId,
  windowStart: at(hour).toISOString(),
  windowEnd: at(hour + 1).toISOString(),
  trigger,
});
const hours = (messages: readonly CollectMessage[]) => messages.map((m) => new Date(m.windowStart).getUTCHours());

beforeAll(async () => {
  counted = await startCountedAzurite();
  storage = counted.storage;
  const table = await counted.createTable('runs');
  deps = {
    coverage: new CoverageStore(table),
    now: () => clock,
    config: { collectSchedule: '0 0 * * * *', metricsRetentionDays: 93, backfillWindowsPerRun: 2 },
  };
});
afterAll(async () => counted?.close());

describe('gap healing', () => {
  it('queues the missed windows oldest first, at most the budget per scheduled run, never twice while queued', async () => {
    for (const h of [1, 2, 3, 4, 5, 6]) await recordWindowOutcome(deps, message('c1', h), 'missed', 'AADSTS7000222');
    // 7: never attempted (the worker was down). 8: the first good window after the fix.
    await recordWindowOutcome(deps, message('c1', 8), 'collected');

    const first = await planGapHealing(deps, message('c1', 8));
    expect(hours(first)).toEqual([1, 2]);
    expect(first.every((m) => m.trigger === 'backfill' && m.customerId === 'c1')).toBe(true);
    expect(hours(await planGapHealing(deps, message('c1', 8)))).toEqual([3, 4]); // 1 and 2 are on their way

    for (const m of first) await recordWindowOutcome(deps, m, 'collected');
    expect(hours(await planGapHealing(deps, message('c1', 8)))).toEqual([5, 6]);
    expect(hours(await planGapHealing(deps, message('c1', 8)))).toEqual([7]);
    expect(await planGapHealing(deps, message('c1', 8))).toEqual([]);
    expect((await deps.coverage.summary('c1'))?.healedThrough).toBe(at(3).toISOString());
  });

  it("starts a customer's record at the first window it sees: no history before is invented as missed", async () => {
    await recordWindowOutcome(deps, message('c2', 8), 'collected');
    expect(await planGapHealing(deps, message('c2', 8))).toEqual([]);
    // Every window before 9:00 is collected (8:00 was, nothing before is asked for).
    expect((await deps.coverage.summary('c2'))?.healedThrough).toBe(at(9).toISOString());
    await recordWindowOutcome(deps, message('c2b', 8), 'missed', 'Throttled');
    expect((await deps.coverage.summary('c2b'))?.healedThrough).toBe(at(8).toISOString());
  });

  it("moves a healthy customer's watermark in its window's own write: 2 requests a window, nothing to list", async () => {
    await recordWindowOutcome(deps, message('c4', 5), 'collected');
    storage.reset();
    const summary = await recordWindowOutcome(deps, message('c4', 6), 'collected');
    expect(summary.healedThrough).toBe(at(7).toISOString());
    expect(await planGapHealing(deps, message('c4', 6), summary)).toEqual([]);
    // The watermark read, then the window's row and the watermark in one transaction.
    expect(storage.counts()).toEqual({ 'table get runs': 1, 'table batch': 1 });
    // A window after a gap leaves the watermark where it is, for gap healing to find the gap.
    const afterGap = await recordWindowOutcome(deps, message('c4', 8), 'collected');
    expect(afterGap.healedThrough).toBe(at(7).toISOString());
    expect(hours(await planGapHealing(deps, message('c4', 8), afterGap))).toEqual([7]);
  });

  it('stops at the retention limit: windows Azure Monitor no longer keeps are not asked for', async () => {
    await recordWindowOutcome(deps, message('c3', 1), 'missed', 'Throttled');
    await recordWindowOutcome(deps, message('c3', 5), 'missed', 'Throttled');
    const retainedFrom4 = {
      ...deps,
      config: { ...deps.config, metricsRetentionDays: (clock.getTime() - at(4).getTime() - 1_800_000) / 86_400_000 },
    };
    // 1 failed but is gone from Azure Monitor; 5 failed, 6 and 7 were never attempted: the budget takes 5 and 6.
    expect(hours(await planGapHealing(retainedFrom4, message('c3', 8)))).toEqual([5, 6]);
  });
});
