import type { MetricSourceTiming } from '../config/metric-sources';
import { parseIsoDuration } from './parse-iso-duration';

/** What one run reads for one resource: the range asked of the source, and when buckets count as settled. */
export interface MetricRead {
  /** The message's window widened by the look-back, its start aligned down to the grain. */
  readonly range: { readonly start: Date; readonly end: Date };
  /** Buckets ending after this instant may still change: they are stored as provisional. */
  readonly settledBefore: Date;
}

/**
 * Plans the read for one message window. The look-back is a function of the window the message carries
 * (never of the clock), so a retry, a healed gap or a backfill re-reads the same range; only the provisional
 * marking depends on when the read happens. The look-back widens the timespan of the same call: it costs no
 * extra request. Aligning down to the grain keeps a coarse bucket (PT1H, P1D) that started before the window
 * in range, so it is re-read until it is complete.
 */
export function planMetricRead(
  window: { readonly start: Date; readonly end: Date },
  grain: string,
  source: MetricSourceTiming,
  readAt: Date,
): MetricRead {
  const grainMs = parseIsoDuration(grain) ?? 60_000;
  const start = Math.floor((window.start.getTime() - source.lookBackMs) / grainMs) * grainMs;
  return {
    range: { start: new Date(start), end: window.end },
    settledBefore: new Date(readAt.getTime() - source.ingestionDelayMs),
  };
}
