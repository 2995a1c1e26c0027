import type { Customer } from '../customers/customer';
import { AppError } from '../errors/app-error';
import type { Datapoint } from '../metrics/datapoint';
import type { MetricsTable } from '../store/metrics-table';
import {
  decodeContinuationToken,
  encodeContinuationToken,
  fingerprintQuery,
  type PagePosition,
} from './continuation-token';
import type { QuerySeries } from './format-series-csv';
import { GRAIN_MS, rollUpPoints, type RollUpGrain, type SeriesPoint } from './roll-up-points';
import { selectSeries, type SeriesSelector } from './select-series';

/** Longest range one query may span (the table is partitioned per series, but reads still cost). */
export const MAX_QUERY_RANGE_DAYS = 31;
/** Most points a whole query (all pages) may cover: beyond this, roll up with `interval` or narrow the range. */
export const MAX_QUERY_POINTS = 200_000;
/** Most points one page may carry. */
export const MAX_PAGE_POINTS = 20_000;
export const DEFAULT_PAGE_POINTS = 5_000;

const INTERVAL_MS: Record<string, number> = {
  PT1M: 60_000,
  PT5M: 300_000,
  PT15M: 900_000,
  PT30M: 1_800_000,
  PT1H: 3_600_000,
  PT6H: 21_600_000,
  PT12H: 43_200_000,
  P1D: 86_400_000,
};

export interface MetricsQuery extends SeriesSelector {
  readonly from: Date;
  readonly to: Date;
  /** Roll up on read; absent: the stored datapoints as collected. */
  readonly interval?: RollUpGrain;
  /** Page size in points (across series). */
  readonly maxPoints?: number;
  readonly continuationToken?: string;
}

export interface MetricsPage {
  readonly customerId: string;
  readonly from: string;
  readonly to: string;
  readonly interval?: RollUpGrain;
  readonly series: QuerySeries[];
  /** Present when more points exist: pass it back as `continuationToken` with the same parameters. */
  readonly continuationToken?: string;
  /** True when this page is not the end of the result (same as "continuationToken is present"). */
  readonly truncated: boolean;
}

/**
 * Reads one page of a customer's stored metrics: several resources and metrics, rolled up on read
 * when asked, bounded in range and points. Each configured metric is read with its split series (one
 * partition-range query); the metrics come from the customer's configuration, so the table is never
 * scanned. Every series carries its dimension values and the grain it was stored at.
 */
export async function queryCustomerMetrics(
  customer: Customer,
  query: MetricsQuery,
  metricsTable: Pick<MetricsTable, 'querySeries'>,
): Promise<MetricsPage> {
  checkRange(query.from, query.to);
  const pageSize = query.maxPoints ?? DEFAULT_PAGE_POINTS;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_POINTS) {
    throw badRequest('InvalidRequest', `"maxPoints" must be an integer from 1 to ${MAX_PAGE_POINTS}`);
  }
  const wanted = selectSeries(customer, query);
  const spanMs = query.to.getTime() - query.from.getTime();
  const estimated = wanted.reduce(
    (sum, s) =>
      sum + Math.ceil(spanMs / (query.interval ? GRAIN_MS[query.interval] : (INTERVAL_MS[s.interval] ?? 60_000))),
    0,
  );
  if (estimated > MAX_QUERY_POINTS) {
    throw badRequest(
      'TooManyPoints',
      `The query covers about ${estimated} points (${wanted.length} series); the limit is ${MAX_QUERY_POINTS}. Roll up with interval=PT1H or P1D, or narrow the range or the series`,
    );
  }
  const fingerprint = fingerprintQuery([
    customer.id,
    wanted.map((w) => [w.resourceId.toLowerCase(), w.metric]),
    query.interval ?? null,
    pageSize,
  ]);
  const start: PagePosition = query.continuationToken
    ? decodeContinuationToken(query.continuationToken, fingerprint)
    : {
        series: 0,
        from: query.from.toISOString(),
        dimension: '',
        rangeFrom: query.from.toISOString(),
        rangeTo: query.to.toISOString(),
      };
  // Later pages keep the first page's absolute range, whatever "24h" means by now.
  const rangeFrom = new Date(start.rangeFrom);
  const rangeTo = new Date(start.rangeTo);
  checkRange(rangeFrom, rangeTo);
  if (start.series >= wanted.length || Date.parse(start.from) < rangeFrom.getTime()) {
    throw badRequest('InvalidContinuationToken', 'continuationToken is outside this query');
  }
  const position = (series: number, from: string, dimension: string): PagePosition => ({
    series,
    from,
    dimension,
    rangeFrom: start.rangeFrom,
    rangeTo: start.rangeTo,
  });

  let remaining = pageSize;
  const series: QuerySeries[] = [];
  let next: PagePosition | undefined;
  for (let i = start.series; i < wanted.length; i++) {
    const target = wanted[i]!;
    if (remaining === 0) {
      next = position(i, start.rangeFrom, '');
      break;
    }
    const resumes = i === start.series && (start.dimension !== '' || start.from !== start.rangeFrom);
    // Every stored series of the metric: the unsplit one and one per dimension value combination.
    const stored = await metricsTable.querySeries({
      customerId: customer.id,
      resourceId: target.resourceId,
      metric: target.metric,
      from: rangeFrom,
      to: rangeTo,
      ...(resumes ? { resume: { dimensionKey: start.dimension, from: new Date(start.from) } } : {}),
      // Raw reads stop one past the page; roll-ups need every point of the buckets they return.
      ...(query.interval ? {} : { limit: remaining + 1 }),
    });
    if (stored.length === 0 && !resumes) {
      series.push({
        resourceId: target.resourceId,
        metric: target.metric,
        interval: query.interval ?? target.interval,
        points: [],
      });
      continue;
    }
    let overflow: { dimensionKey: string; timestamp: string } | undefined;
    for (const one of stored) {
      // A series is labelled with the grain it was stored at; a grain change starts a new series.
      for (const run of splitByInterval(one.points)) {
        const all = query.interval
          ? rollUpPoints(run.points.map(toSeriesPoint), query.interval)
          : run.points.map(toSeriesPoint);
        const points = all.slice(0, remaining);
        remaining -= points.length;
        const unit = run.points[0]?.unit;
        if (points.length > 0) {
          series.push({
            resourceId: target.resourceId,
            metric: target.metric,
            ...(one.dimensions ? { dimensions: one.dimensions } : {}),
            ...(unit ? { unit } : {}),
            interval: query.interval ?? run.interval,
            points,
          });
        }
        const first = all[points.length];
        if (first) {
          overflow = { dimensionKey: one.dimensionKey, timestamp: first.timestamp };
          break;
        }
      }
      if (overflow) break;
    }
    if (overflow) {
      next = position(i, overflow.timestamp, overflow.dimensionKey);
      break;
    }
  }
  return {
    customerId: customer.id,
    from: start.rangeFrom,
    to: start.rangeTo,
    ...(query.interval ? { interval: query.interval } : {}),
    series,
    ...(next ? { continuationToken: encodeContinuationToken(next, fingerprint) } : {}),
    truncated: next !== undefined,
  };
}

/** `from` before `to`, and not more than MAX_QUERY_RANGE_DAYS apart: a clear 400 otherwise. */
export function checkRange(from: Date, to: Date, maxDays: number = MAX_QUERY_RANGE_DAYS): void {
  if (from >= to) {
    throw badRequest('InvalidRange', `"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
  }
  if (to.getTime() - from.getTime() > maxDays * 86_400_000) {
    throw badRequest(
      'RangeTooLarge',
      `The range ${from.toISOString()} – ${to.toISOString()} spans more than ${maxDays} days; narrow "from"/"to"`,
    );
  }
}

/** Consecutive points stored at the same grain (a configuration change mid-range splits a series). */
function splitByInterval(points: readonly Datapoint[]): Array<{ interval: string; points: Datapoint[] }> {
  const runs: Array<{ interval: string; points: Datapoint[] }> = [];
  for (const point of points) {
    const last = runs.at(-1);
    if (last && last.interval === point.interval) last.points.push(point);
    else runs.push({ interval: point.interval, points: [point] });
  }
  return runs;
}

function toSeriesPoint(point: SeriesPoint): SeriesPoint {
  const { timestamp, minimum, average, maximum, total, count, provisional } = point;
  return {
    timestamp,
    ...(provisional ? { provisional: true } : {}),
    ...(minimum !== undefined ? { minimum } : {}),
    ...(average !== undefined ? { average } : {}),
    ...(maximum !== undefined ? { maximum } : {}),
    ...(total !== undefined ? { total } : {}),
    ...(count !== undefined ? { count } : {}),
  };
}

function badRequest(code: string, message: string): AppError {
  return new AppError({ kind: 'validation', code, message });
}
