import { Cron } from 'croner';
import type { WindowCoverage } from '../store/coverage-store';
import type { TimeWindow } from './closed-window';

/**
 * A window without a record, or queued again, may simply still be on its way: a message is retried for
 * up to 5 × (10 min + 30 s) and a queued backfill waits its turn. Only after this long is it missed.
 */
export const IN_FLIGHT_MS = 60 * 60_000;

/** Every window of the schedule that starts at or after `from` and ends at or before `to`, oldest first. */
export function scheduleWindowsBetween(schedule: string, from: Date, to: Date): TimeWindow[] {
  const cron = new Cron(schedule, { timezone: 'Etc/UTC', paused: true });
  const windows: TimeWindow[] = [];
  let start = cron.nextRun(new Date(from.getTime() - 1));
  while (start && start < to) {
    const end = cron.nextRun(start);
    if (!end || end > to) break;
    windows.push({ start, end });
    start = end;
  }
  return windows;
}

export interface MissedWindows {
  /** Windows to collect again, oldest first. */
  readonly missed: readonly TimeWindow[];
  /** Start of the oldest window not yet collected (`to` when all are): the new healing watermark. */
  readonly healedThrough: Date;
}

/**
 * Which schedule windows in [from, to) the customer still lacks: those whose run gave up (`missed`),
 * and those never attempted or queued again long enough ago that they can no longer be in flight.
 */
export function findMissedWindows(input: {
  readonly schedule: string;
  readonly from: Date;
  readonly to: Date;
  readonly coverage: readonly WindowCoverage[];
  readonly now: Date;
}): MissedWindows {
  const byStart = new Map(input.coverage.map((c) => [Date.parse(c.windowStart), c]));
  const windows = scheduleWindowsBetween(input.schedule, input.from, input.to);
  const settled = (ms: number) => input.now.getTime() - ms > IN_FLIGHT_MS;
  const missed = windows.filter((w) => {
    const row = byStart.get(w.start.getTime());
    if (!row) return settled(w.end.getTime());
    if (row.state === 'missed') return true;
    return row.state === 'queued' && settled(Date.parse(row.updatedAt));
  });
  const firstGap = windows.find((w) => byStart.get(w.start.getTime())?.state !== 'collected');
  return { missed, healedThrough: firstGap?.start ?? input.to };
}
