import { Cron } from 'croner';

/** A half-open time range [start, end) in UTC. */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The schedule window that has just closed at `now`: from the second-latest to the latest
 * occurrence of the (6-field NCRONTAB) schedule. For the default hourly schedule at 10:00:03
 * this is 09:00–10:00, so a late-firing timer still collects the hour it was meant for.
 */
export function closedWindow(schedule: string, now: Date): TimeWindow {
  const cron = new Cron(schedule, { timezone: 'Etc/UTC', paused: true });
  // croner excludes a reference equal to an occurrence; a timer firing exactly on time must count it.
  const [end, start] = cron.previousRuns(2, new Date(now.getTime() + 1));
  if (!end || !start) throw new Error(`Schedule "${schedule}" has no two past occurrences before ${now.toISOString()}`);
  return { start, end };
}

/** Duration of one schedule interval in milliseconds (used to decide when data is stale). */
export function scheduleIntervalMs(schedule: string, now: Date): number {
  const window = closedWindow(schedule, now);
  return window.end.getTime() - window.start.getTime();
}
