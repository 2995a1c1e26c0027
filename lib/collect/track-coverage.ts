import type { CoverageStore, CoverageSummary, WindowState } from '../store/coverage-store';
import type { CollectMessage } from './collect-message';
import { findMissedWindows } from './find-missed-windows';
import { newRunId } from './plan-collection-run';

export interface CoverageDependencies {
  readonly coverage: CoverageStore;
  readonly now: () => Date;
  readonly config: {
    readonly collectSchedule: string;
    readonly metricsRetentionDays: number;
    readonly backfillWindowsPerRun: number;
  };
}

/**
 * Records how a message's window ended. The first window ever recorded for a customer starts its
 * healing watermark: the product re-collects what it missed since it first knew the customer, not history
 * from before (that is what manual backfill is for). A collected window that starts at the watermark (every
 * window before it is collected: a healthy customer's every hour) moves the watermark past itself, in the
 * same transaction as the window's row, so the next window's gap healing has nothing to list or move.
 * @returns the customer's coverage summary as it now stands, for gap healing to use without reading it again.
 */
export async function recordWindowOutcome(
  deps: CoverageDependencies,
  message: CollectMessage,
  state: Exclude<WindowState, 'queued'>,
  errorCode?: string,
): Promise<CoverageSummary> {
  const summary = await deps.coverage.summary(message.customerId);
  const unbroken = summary !== undefined && Date.parse(summary.healedThrough) === Date.parse(message.windowStart);
  const healedThrough =
    state === 'collected' && (!summary || unbroken) ? message.windowEnd : summary ? undefined : message.windowStart;
  await deps.coverage.mark(
    {
      customerId: message.customerId,
      windowStart: message.windowStart,
      windowEnd: message.windowEnd,
      state,
      runId: message.runId,
      updatedAt: deps.now().toISOString(),
      ...(errorCode ? { errorCode } : {}),
    },
    healedThrough,
  );
  return healedThrough === undefined ? (summary as CoverageSummary) : { customerId: message.customerId, healedThrough };
}

/**
 * Gap healing, after a customer's scheduled window succeeded (it works again): the windows it missed
 * since its watermark, oldest first, within retention, at most `backfillWindowsPerRun` of them. They are
 * marked queued and returned as `backfill` messages for the same queue. Backfill successes do not heal
 * further, so one customer adds at most the budget to each scheduled run and never crowds out the others.
 * `known` is the summary the caller already has (recordWindowOutcome's), saving a read.
 */
export async function planGapHealing(
  deps: CoverageDependencies,
  message: CollectMessage,
  known?: CoverageSummary,
): Promise<CollectMessage[]> {
  const customerId = message.customerId;
  const summary = known ?? (await deps.coverage.summary(customerId));
  if (!summary) return [];
  const now = deps.now();
  const retentionStart = now.getTime() - deps.config.metricsRetentionDays * 86_400_000;
  const from = new Date(Math.max(Date.parse(summary.healedThrough), retentionStart));
  const to = new Date(message.windowStart);
  if (from >= to) return [];
  const coverage = await deps.coverage.list(customerId, from.toISOString(), to.toISOString());
  const { missed, healedThrough } = findMissedWindows({
    schedule: deps.config.collectSchedule,
    from,
    to,
    coverage,
    now,
  });
  if (healedThrough.getTime() !== Date.parse(summary.healedThrough)) {
    await deps.coverage.setHealedThrough(customerId, healedThrough.toISOString());
  }
  const chosen = missed.slice(0, deps.config.backfillWindowsPerRun);
  const messages = chosen.map((w): CollectMessage => ({
    version: 1,
    runId: newRunId(w.start),
    customerId,
    windowStart: w.start.toISOString(),
    windowEnd: w.end.toISOString(),
    trigger: 'backfill',
  }));
  for (const m of messages) {
    await deps.coverage.mark({
      customerId,
      windowStart: m.windowStart,
      windowEnd: m.windowEnd,
      state: 'queued',
      runId: m.runId,
      updatedAt: now.toISOString(),
    });
  }
  return messages;
}
