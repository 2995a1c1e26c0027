import { describe, expect, it } from 'vitest';
import type { Datapoint } from '../../lib/metrics/datapoint';
import { isSettledMinute, mergeSeriesSummary, rollUpHour, SUMMARY_HOURS } from '../../lib/summary/series-summary';
import { fromSummaryEntity, toSummaryEntity } from '../../lib/summary/summary-entity';

const VM =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';
const NOW = new Date('2026-11-22T12:30:00Z');
const at = (hhmm: string) => `2026-11-22T${hhmm}:00Z`;
const point = (hhmm: string, average: number, extra: Partial<Datapoint> = {}): Datapoint => ({
  resourceId: VM,
  metric: 'Percentage CPU',
  timestamp: at(hhmm),
  interval: 'PT5M',
  unit: 'Percent',
  average,
  maximum: average + 10,
  ...extra,
});
/** The 12 five-minute buckets of one hour, values 1..12. */
const hourOf = (hh: string, provisionalFrom = 12) =>
  Array.from({ length: 12 }, (_, i) =>
    point(`${hh}:${String(i * 5).padStart(2, '0')}`, i + 1, i >= provisionalFrom ? { provisional: true } : {}),
  );

describe('mergeSeriesSummary', () => {
  it('rolls an hour up into min, mean, max (with the minute of the peak) and the number of points', () => {
    const summary = mergeSeriesSummary(undefined, hourOf('10'), NOW);
    expect(summary.hours.map(rollUpHour)).toEqual([
      { hour: at('10:00'), points: 12, average: 6.5, minimum: 1, maximum: 22, maximumAt: at('10:55') },
    ]);
    expect(summary.latest).toMatchObject({ timestamp: at('10:55'), average: 12, maximum: 22 });
    expect(summary).toMatchObject({ metric: 'Percentage CPU', unit: 'Percent', interval: 'PT5M' });
  });

  it('counts a bucket once however often it is read again (next run look-back, retry, backfill)', () => {
    const once = mergeSeriesSummary(undefined, hourOf('10'), NOW);
    const lookBack = hourOf('10').slice(8); // the next run re-reads 10:40-10:55
    const again = mergeSeriesSummary(mergeSeriesSummary(once, lookBack, NOW), hourOf('10'), NOW);
    expect(again.hours.map(rollUpHour)).toEqual(once.hours.map(rollUpHour));
  });

  it('keeps provisional buckets marked until a later read settles them, then counts the settled values', () => {
    const first = mergeSeriesSummary(undefined, hourOf('10', 10), NOW);
    expect(rollUpHour(first.hours[0]!)).toMatchObject({ points: 12, provisional: true });
    expect(first.latest).toMatchObject({ timestamp: at('10:55'), provisional: true });
    // The look-back finds 10:50 and 10:55 settled, with more samples in them than before.
    const settled = mergeSeriesSummary(first, [point('10:50', 40), point('10:55', 50)], NOW);
    const hour = rollUpHour(settled.hours[0]!);
    expect(hour.provisional).toBeUndefined();
    expect(hour).toMatchObject({ points: 12, maximum: 60, maximumAt: at('10:55') });
    expect(hour.average).toBeCloseTo((55 + 40 + 50) / 12, 6);
    expect(settled.latest).toEqual({ timestamp: at('10:55'), average: 50, minimum: 50, maximum: 60 });
  });

  it('never lets an older window (settle, backfill) move latest back, nor a provisional reading replace a settled one', () => {
    const current = mergeSeriesSummary(undefined, hourOf('11'), NOW);
    const backfilled = mergeSeriesSummary(current, hourOf('08'), NOW);
    expect(backfilled.latest).toEqual(current.latest);
    expect(backfilled.hours.map((h) => rollUpHour(h).hour)).toEqual([at('08:00'), at('11:00')]);
    const stale = mergeSeriesSummary(backfilled, [point('11:55', 99, { provisional: true })], NOW);
    expect(stale.latest).toEqual(current.latest);
    expect(rollUpHour(stale.hours[1]!)).toEqual(rollUpHour(current.hours[0]!));
  });

  it('merges in any order to the same summary', () => {
    const windows = [
      hourOf('09', 10),
      hourOf('10', 10),
      hourOf('10').slice(8),
      hourOf('11', 10),
      hourOf('11').slice(8),
    ];
    const inOrder = windows.reduce<ReturnType<typeof mergeSeriesSummary> | undefined>(
      (s, w) => mergeSeriesSummary(s, w, NOW),
      undefined,
    );
    const reversed = [...windows]
      .reverse()
      .reduce<ReturnType<typeof mergeSeriesSummary> | undefined>((s, w) => mergeSeriesSummary(s, w, NOW), undefined);
    expect(reversed?.hours.map(rollUpHour)).toEqual(inOrder?.hours.map(rollUpHour));
    expect(reversed?.latest).toEqual(inOrder?.latest);
  });

  it(`keeps ${SUMMARY_HOURS} hours and drops what is older`, () => {
    const old = { ...point('10:00', 1), timestamp: '2026-11-14T10:00:00Z' };
    const summary = mergeSeriesSummary(undefined, [old, point('10:00', 2)], NOW);
    expect(summary.hours.map((h) => rollUpHour(h).hour)).toEqual([at('10:00')]);
    const later = mergeSeriesSummary(summary, [], new Date('2026-11-29T12:00:00Z'));
    expect(later.hours).toEqual([]);
  });

  it('survives its table entity unchanged, provisional buckets and sub-minute sums included', () => {
    const summary = mergeSeriesSummary(undefined, [...hourOf('10', 9), ...hourOf('11', 11)], NOW);
    const entity = toSummaryEntity('acme', summary, 3);
    expect(fromSummaryEntity(entity)).toEqual(summary);
    expect(entity.revision).toBe(3);
  });
});

describe('isSettledMinute', () => {
  it('is true only for a minute the summary counted settled: not a provisional one, another minute or hour', () => {
    const summary = mergeSeriesSummary(undefined, hourOf('10', 10), NOW);
    expect(isSettledMinute(summary, at('10:45'))).toBe(true);
    expect(isSettledMinute(summary, at('10:50'))).toBe(false); // provisional
    expect(isSettledMinute(summary, at('10:46'))).toBe(false); // no bucket at that minute
    expect(isSettledMinute(summary, at('11:45'))).toBe(false);
    expect(isSettledMinute(undefined, at('10:45'))).toBe(false);
  });
});
