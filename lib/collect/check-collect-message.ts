import { Cron } from 'croner';
import { AppError } from '../errors/app-error';
import type { RunRecord } from '../store/run-store';
import type { CollectMessage } from './collect-message';

/** A worker's clock may run a little ahead of the timer's that wrote the message. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface MessageRules {
  /** COLLECT_SCHEDULE: every window starts and ends on one of its occurrences. */
  readonly schedule: string;
  readonly now: Date;
  /** Azure Monitor keeps platform metrics this long: an older window cannot be collected. */
  readonly retentionDays: number;
}

/**
 * Checks what the schema cannot: the window is exactly one interval of the schedule (the timer's
 * window, or one window of a backfill range, which is split per window), it has closed, and it is
 * within retention. @returns the problem as a validation AppError, or undefined when the message is fine.
 */
export function checkCollectMessage(message: CollectMessage, rules: MessageRules): AppError | undefined {
  const start = Date.parse(message.windowStart);
  const end = Date.parse(message.windowEnd);
  const problem = (code: string, text: string) =>
    new AppError({
      kind: 'validation',
      code,
      message: `Queue message for ${message.customerId} (${message.windowStart}/${message.windowEnd}): ${text}`,
    });
  if (end > rules.now.getTime() + CLOCK_SKEW_MS) return problem('WindowInFuture', 'the window has not closed yet');
  if (start < rules.now.getTime() - rules.retentionDays * 86_400_000) {
    return problem('WindowBeyondRetention', `the window is older than the ${rules.retentionDays}-day retention`);
  }
  const next = nextOccurrence(rules.schedule, new Date(start - 1));
  if (next?.getTime() !== start || nextOccurrence(rules.schedule, new Date(start))?.getTime() !== end) {
    return problem('WindowNotAligned', `the window is not one interval of the schedule "${rules.schedule}"`);
  }
  return undefined;
}

/**
 * A message may only write its own run's record: the same run id for another window (a forged or
 * corrupted message) would overwrite that run's progress. @returns the conflict, or undefined.
 */
export function checkRunOwnership(message: CollectMessage, existing: RunRecord | undefined): AppError | undefined {
  if (!existing) return undefined;
  if (existing.windowStart === message.windowStart && existing.windowEnd === message.windowEnd) return undefined;
  return new AppError({
    kind: 'validation',
    code: 'RunRecordConflict',
    message:
      `Queue message for ${message.customerId} names run ${message.runId}, which collects ` +
      `${existing.windowStart}/${existing.windowEnd}, not ${message.windowStart}/${message.windowEnd}`,
  });
}

function nextOccurrence(schedule: string, after: Date): Date | null {
  return new Cron(schedule, { timezone: 'Etc/UTC', paused: true }).nextRun(after);
}
