import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { Customer } from '../customers/customer';
import type { MetricsTable } from '../store/metrics-table';

export const RANK_BY = ['max', 'avg'] as const;
export type RankBy = (typeof RANK_BY)[number];
const READ_CONCURRENCY = 8;

export interface RankedResource {
  readonly rank: number;
  readonly customerId: string;
  readonly resourceId: string;
  readonly name: string;
  readonly value: number;
  readonly unit?: string;
  /** When the peak happened (by=max), or the newest point's time (by=avg). */
  readonly at: string;
  readonly points: number;
}

export interface TopQuery {
  readonly metric: string;
  readonly from: Date;
  readonly to: Date;
  readonly by: RankBy;
  readonly limit: number;
}

/**
 * Ranks every resource that collects `metric`, across customers, by its peak (`max`: highest
 * maximum, or average where no maximum was collected) or its mean of averages (`avg`) in the
 * window. Resources without points in the window are left out; ties keep customer order.
 */
export async function rankTopResources(
  customers: readonly Customer[],
  query: TopQuery,
  metricsTable: Pick<MetricsTable, 'query'>,
): Promise<RankedResource[]> {
  const wanted = query.metric.toLowerCase();
  const series = customers.flatMap((c) =>
    c.resources.flatMap((r) =>
      r.metrics
        .filter((m) => m.toLowerCase() === wanted)
        .map((metric) => ({ customerId: c.id, resourceId: r.resourceId, metric })),
    ),
  );
  const settled = await mapWithConcurrency(series, READ_CONCURRENCY, (s) =>
    metricsTable.query({ ...s, from: query.from, to: query.to }),
  );
  const scored: Array<Omit<RankedResource, 'rank'>> = [];
  settled.forEach((result, i) => {
    if (result.status === 'rejected') throw result.reason;
    const s = series[i]!;
    const points = result.value;
    let value: number | undefined;
    let at = '';
    if (query.by === 'max') {
      for (const p of points) {
        const v = p.maximum ?? p.average;
        if (v !== undefined && (value === undefined || v > value)) [value, at] = [v, p.timestamp];
      }
    } else {
      const averages = points.map((p) => p.average).filter((v): v is number => v !== undefined);
      if (averages.length) value = Math.round((averages.reduce((a, b) => a + b, 0) / averages.length) * 1e6) / 1e6;
      at = points.at(-1)?.timestamp ?? '';
    }
    if (value === undefined) return;
    const unit = points[0]?.unit;
    scored.push({
      customerId: s.customerId,
      resourceId: s.resourceId,
      name: s.resourceId.split('/').at(-1) ?? s.resourceId,
      value,
      ...(unit ? { unit } : {}),
      at,
      points: points.length,
    });
  });
  return scored
    .sort((a, b) => b.value - a.value)
    .slice(0, query.limit)
    .map((r, i) => ({ rank: i + 1, ...r }));
}
