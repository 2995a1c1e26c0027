import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { Customer } from '../customers/customer';
import type { Datapoint } from '../metrics/datapoint';
import { resourceTypeOf } from '../resources/resource-type-of';
import type { CustomerStatus } from '../store/customer-status-store';
import type { MetricsTable } from '../store/metrics-table';

/** How far back "latest value" looks: a series silent for longer has no latest value worth showing. */
export const LATEST_LOOKBACK_MS = 7 * 86_400_000;
const READ_CONCURRENCY = 8;

export interface LatestMetric {
  readonly metric: string;
  readonly unit?: string;
  readonly latest: Omit<Datapoint, 'resourceId' | 'metric' | 'unit'> | null;
}

export interface LatestResource {
  readonly resourceId: string;
  readonly name: string;
  readonly type: string;
  /** ARM `properties.state` as last read (Fabric: Active, Paused, ...), or null when never read. */
  readonly state: string | null;
  readonly sku: string | null;
  /** Whether the last run read this resource without error; null when it has not run yet. */
  readonly lastReadOk: boolean | null;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly metrics: readonly LatestMetric[];
}

/**
 * Each configured resource with the ARM state from the customer's last run and the newest stored
 * value of each metric (from the last run's window back, at most LATEST_LOOKBACK_MS).
 */
export async function readLatestResources(
  customer: Customer,
  status: CustomerStatus | undefined,
  metricsTable: Pick<MetricsTable, 'query'>,
  now: Date,
): Promise<LatestResource[]> {
  const outcomes = new Map((status?.resources ?? []).map((r) => [r.resourceId.toLowerCase(), r]));
  const newest = Math.max(now.getTime(), status ? Date.parse(status.lastWindowEnd) : 0) + 1000;
  const from = new Date(newest - LATEST_LOOKBACK_MS);
  const series = customer.resources.flatMap((r) => r.metrics.map((metric) => ({ resourceId: r.resourceId, metric })));
  // Newest first is not a table query order; one series over the lookback is a single-partition range read.
  const settled = await mapWithConcurrency(series, READ_CONCURRENCY, (s) =>
    metricsTable.query({
      customerId: customer.id,
      resourceId: s.resourceId,
      metric: s.metric,
      from,
      to: new Date(newest),
    }),
  );
  const latest = new Map<string, Datapoint | undefined>();
  settled.forEach((result, i) => {
    const s = series[i]!;
    if (result.status === 'rejected') throw result.reason;
    latest.set(`${s.resourceId.toLowerCase()}\n${s.metric}`, result.value.at(-1));
  });
  return customer.resources.map((r) => {
    const outcome = outcomes.get(r.resourceId.toLowerCase());
    return {
      resourceId: r.resourceId,
      name: r.resourceId.split('/').at(-1) ?? r.resourceId,
      type: resourceTypeOf(r.resourceId),
      state: outcome?.state ?? null,
      sku: outcome?.sku ?? null,
      lastReadOk: outcome ? outcome.ok : null,
      ...(outcome?.code ? { errorCode: outcome.code } : {}),
      ...(outcome?.message ? { errorMessage: outcome.message } : {}),
      metrics: r.metrics.map((metric) => {
        const point = latest.get(`${r.resourceId.toLowerCase()}\n${metric}`);
        if (!point) return { metric, latest: null };
        const { resourceId: _r, metric: _m, unit, ...value } = point;
        return { metric, ...(unit ? { unit } : {}), latest: value };
      }),
    };
  });
}
