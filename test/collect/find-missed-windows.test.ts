import { describe, expect, it } from 'vitest';
import { findMissedWindows, IN_FLIGHT_MS, scheduleWindowsBetween } from '../../lib/collect/find-missed-windows';
import type { WindowCoverage } from '../../lib/store/coverage-store';

const HOURLY = '0 0 * * * *';
const at = (hour: number) => new Date(Date.UTC(2026, 10, 22, hour));
const row = (hour: number, state: WindowCoverage['state'], updatedAt = at(hour + 1)): WindowCoverage => ({
  customerId: 'c',
  windowStart: at(hour).toISOString(),
  windowEnd: at(hour + 1).toISOString(),
  state,
  runId: `r${hour}`,
  updatedAt: updatedAt.toISOString(),
});

describe('scheduleWindowsBetween', () => {
  it('lists every whole schedule window in the range, oldest first', () => {
    const windows = scheduleWindowsBetween(HOURLY, at(2), at(5));
    expect(windows.map((w) => [w.start.getUTCHours(), w.end.getUTCHours()])).toEqual([
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
    expect(scheduleWindowsBetween(HOURLY, new Date(at(2).getTime() + 1), at(5))).toHaveLength(2);
  });
});

describe('findMissedWindows', () => {
  const now = at(10);

  it('names failed, never attempted and long-queued windows, oldest first, and keeps collected or in-flight ones', () => {
    const coverage = [
      row(2, 'collected'),
      row(3, 'missed'),
      // 4: no record, long ago: the timer or worker was down
      row(5, 'queued', new Date(now.getTime() - IN_FLIGHT_MS - 1)), // queued again, never finished
      row(6, 'queued', new Date(now.getTime() - 60_000)), // queued a minute ago: on its way
      row(7, 'collected'),
      // 8, 9: no record, ended an hour ago at most: the host may still be retrying them
    ];
    const { missed, healedThrough } = findMissedWindows({ schedule: HOURLY, from: at(2), to: at(10), coverage, now });
    expect(missed.map((w) => w.start.getUTCHours())).toEqual([3, 4, 5]);
    expect(healedThrough).toEqual(at(3));
  });

  it('moves the watermark to the end when every window is collected', () => {
    const coverage = [row(2, 'collected'), row(3, 'collected')];
    const result = findMissedWindows({ schedule: HOURLY, from: at(2), to: at(4), coverage, now });
    expect(result).toEqual({ missed: [], healedThrough: at(4) });
  });
});
