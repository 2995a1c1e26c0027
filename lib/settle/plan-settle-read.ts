import type { MetricSourceTiming } from '../config/metric-sources';
import type { CollectMessage } from '../collect/collect-message';

/**
 * Added to the ingestion delay before the settle read runs: the delay is the source's documented long tail,
 * and a worker's clock or the queue's may be a little off; two minutes keep the read clear of the edge at no
 * cost (a settle read that comes early would store the same buckets provisional again).
 */
export const SETTLE_MARGIN_MS = 2 * 60_000;

/**
 * When every bucket of the window has settled, for every metric source: its end plus the longest ingestion
 * delay, plus the margin. A read from then on stores nothing provisional (see planMetricRead).
 */
export function settleReadAt(windowEnd: Date, sources: Readonly<Record<string, MetricSourceTiming>>): Date {
  const delay = Math.max(0, ...Object.values(sources).map((s) => s.ingestionDelayMs));
  return new Date(windowEnd.getTime() + delay + SETTLE_MARGIN_MS);
}

/**
 * The follow-up of a run: same customer, window and run id (so it passes the run-ownership check as that
 * run's own follow-up), trigger `settle`.
 */
export function settleMessageFor(message: CollectMessage): CollectMessage {
  return {
    version: 1,
    runId: message.runId,
    customerId: message.customerId,
    windowStart: message.windowStart,
    windowEnd: message.windowEnd,
    trigger: 'settle',
  };
}
