import type { Customer } from '../customers/customer';
import { AppError } from '../errors/app-error';
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
 * when asked, bounded in range and points. Each series is a partition-equality, row-range query; the
 * series come from the customer's configuration, so the table is never scanned.
 */
export async function queryCustomerMetrics(
  customer: Customer,
  query: MetricsQuery,
  metricsTable: Pick<MetricsTable, 'query'>,
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
  const position = (series: number, from: string): PagePosition => ({
    series,
    from,
    rangeFrom: start.rangeFrom,
    rangeTo: start.rangeTo,
  });

  let remaining = pageSize;
  const series: QuerySeries[] = [];
  let next: PagePosition | undefined;
  for (let i = start.series; i < wanted.length; i++) {
    const target = wanted[i]!;
    if (remaining === 0) {
      next = position(i, start.rangeFrom);
      break;
    }
    const from = i === start.series ? new Date(start.from) : rangeFrom;
    const stored = await metricsTable.query({
      customerId: customer.id,
      resourceId: target.resourceId,
      metric: target.metric,
      from,
      to: rangeTo,
      // Raw reads stop one past the page; roll-ups need every point of the buckets they return.
      ...(query.interval ? {} : { limit: remaining + 1 }),
    });
    const unit = stored[0]?.unit;
    const all: SeriesPoint[] = query.interval
      ? rollUpPoints(stored.map(toSeriesPoint), query.interval)
      : stored.map(toSeriesPoint);
    const points = all.slice(0, remaining);
    remaining -= points.length;
    series.push({
      resourceId: target.resourceId,
      metric: target.metric,
      ...(unit ? { unit } : {}),
      interval: query.interval ?? target.interval,
      points,
    });
    const overflow = all[points.length];
    if (overflow) {
      next = position(i, overflow.timestamp);
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

function toSeriesPoint(point: SeriesPoint): SeriesPoint {
  const { timestamp, minimum, average, maximum, total, count } = point;
  return {
    timestamp,
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
