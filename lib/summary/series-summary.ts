import { hasDimensions, toUtcSecond, type Datapoint, type Dimensions } from '../metrics/datapoint';

/** Hours of roll-ups a summary keeps: the 7 days the fleet views draw, plus the hour in progress. */
export const SUMMARY_HOURS = 7 * 24;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The aggregations of one point (or of several combined), as the views read them. */
export interface PointValues {
  readonly average?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly total?: number;
  readonly count?: number;
}

/**
 * Running sums of the settled points of one hour. Sums, not means, so that a point arriving later (a late
 * bucket, a backfill) adds to the hour instead of replacing it.
 */
export interface HourAggregate {
  readonly points: number;
  readonly averageSum: number;
  readonly averages: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /** Minute of the hour of the maximum (the peak's time for `metrics/top`). */
  readonly maximumAt?: number;
  readonly totalSum: number;
  readonly totals: number;
  readonly countSum: number;
  readonly counts: number;
}

/**
 * One hour of one series. `settledMinutes` is a bit set of the minutes (bucket starts) already counted in
 * `settled`: a settled bucket never changes in Azure Monitor, so reading it again (the next run's
 * look-back, a retry, a backfill) must not count it twice. Provisional buckets are kept one by one until
 * a later read settles them, because they are replaced, not added.
 */
export interface HourState {
  /** Hours since the epoch (UTC). */
  readonly hour: number;
  readonly settledMinutes: bigint;
  readonly settled: HourAggregate;
  readonly provisional: ReadonlyMap<number, PointValues>;
}

/** The newest point of a series. */
export interface LatestPoint extends PointValues {
  readonly timestamp: string;
  readonly provisional?: boolean;
}

/** What the fleet views know of one series without reading its history. */
export interface SeriesSummary {
  readonly resourceId: string;
  readonly metric: string;
  readonly dimensions?: Dimensions;
  readonly unit?: string;
  /** The grain Azure answered with for the newest points. */
  readonly interval: string;
  readonly latest?: LatestPoint;
  /** Oldest first; at most SUMMARY_HOURS + 1. */
  readonly hours: readonly HourState[];
}

/** One hour as the views draw it: settled and provisional buckets combined. */
export interface HourRollUp extends PointValues {
  /** ISO start of the hour. */
  readonly hour: string;
  readonly points: number;
  /** Some bucket of the hour may still change. */
  readonly provisional?: boolean;
  /** When the maximum happened (ISO, minute precision). */
  readonly maximumAt?: string;
}

const EMPTY: HourAggregate = { points: 0, averageSum: 0, averages: 0, totalSum: 0, totals: 0, countSum: 0, counts: 0 };

/**
 * Merges a run's datapoints of ONE series into its summary. Idempotent and order-tolerant: merging the same
 * points again, or an older window after a newer one (settle, backfill), leaves what one merge of all of
 * them leaves; `latest` never goes back in time, and a provisional reading never replaces a settled one.
 * Hours older than SUMMARY_HOURS before `now` are dropped.
 */
export function mergeSeriesSummary(
  previous: SeriesSummary | undefined,
  points: readonly Datapoint[],
  now: Date,
): SeriesSummary {
  const first = points[0];
  if (!first) {
    if (!previous) throw new RangeError('mergeSeriesSummary needs points or a previous summary');
    return prune(previous, now);
  }
  const hours = new Map((previous?.hours ?? []).map((h) => [h.hour, h]));
  let latest = previous?.latest;
  let newest: Datapoint | undefined;
  const oldestHour = Math.floor(now.getTime() / HOUR_MS) - SUMMARY_HOURS;
  for (const point of points) {
    const time = Date.parse(point.timestamp);
    if (!newest || time > Date.parse(newest.timestamp)) newest = point;
    const hour = Math.floor(time / HOUR_MS);
    if (hour < oldestHour) continue;
    const minute = Math.floor((time - hour * HOUR_MS) / MINUTE_MS);
    hours.set(hour, addPoint(hours.get(hour) ?? emptyHour(hour), minute, point));
  }
  if (newest) latest = newerLatest(latest, newest);
  const unit = newest?.unit ?? previous?.unit;
  // The grain shown is the newest point's: Azure may answer another grain than the one asked for.
  const latestMoved = newest !== undefined && latest !== previous?.latest;
  const summary: SeriesSummary = {
    resourceId: previous?.resourceId ?? first.resourceId,
    metric: previous?.metric ?? first.metric,
    ...(hasDimensions(first.dimensions) ? { dimensions: first.dimensions } : {}),
    ...(unit ? { unit } : {}),
    interval: latestMoved && newest ? newest.interval : (previous?.interval ?? first.interval),
    ...(latest ? { latest } : {}),
    hours: [...hours.values()].sort((a, b) => a.hour - b.hour),
  };
  return prune(summary, now);
}

function prune(summary: SeriesSummary, now: Date): SeriesSummary {
  const oldestHour = Math.floor(now.getTime() / HOUR_MS) - SUMMARY_HOURS;
  return summary.hours.some((h) => h.hour < oldestHour)
    ? { ...summary, hours: summary.hours.filter((h) => h.hour >= oldestHour) }
    : summary;
}

/**
 * Whether the summary already counts the minute of `timestamp` as settled. A settled reading is final (a re-read
 * is the same value, and merging ignores it), so its stored datapoint row needs no rewrite either.
 */
export function isSettledMinute(summary: SeriesSummary | undefined, timestamp: string): boolean {
  if (!summary) return false;
  const time = Date.parse(timestamp);
  const hour = Math.floor(time / HOUR_MS);
  const state = summary.hours.find((h) => h.hour === hour);
  if (!state) return false;
  return (state.settledMinutes & (1n << BigInt(Math.floor((time - hour * HOUR_MS) / MINUTE_MS)))) !== 0n;
}

function emptyHour(hour: number): HourState {
  return { hour, settledMinutes: 0n, settled: EMPTY, provisional: new Map() };
}

function addPoint(state: HourState, minute: number, point: Datapoint): HourState {
  const bit = 1n << BigInt(minute);
  // Settled once, settled for good: a re-read is the same value (and a late provisional one is older news).
  if ((state.settledMinutes & bit) !== 0n) return state;
  const values = valuesOf(point);
  const provisional = new Map(state.provisional);
  if (point.provisional) {
    provisional.set(minute, values);
    return { ...state, provisional };
  }
  provisional.delete(minute);
  return {
    ...state,
    settledMinutes: state.settledMinutes | bit,
    settled: addValues(state.settled, minute, values),
    provisional,
  };
}

/** What one point contributes, with the same fallbacks as the query API's roll-up (min/max fall back to the average). */
function valuesOf(point: PointValues): PointValues {
  const min = point.minimum ?? point.average;
  const max = point.maximum ?? point.average;
  return {
    ...(finite(point.average) ? { average: point.average } : {}),
    ...(finite(min) ? { minimum: min } : {}),
    ...(finite(max) ? { maximum: max } : {}),
    ...(finite(point.total) ? { total: point.total } : {}),
    ...(finite(point.count) ? { count: point.count } : {}),
  };
}

function addValues(sum: HourAggregate, minute: number, v: PointValues): HourAggregate {
  const higher = v.maximum !== undefined && (sum.maximum === undefined || v.maximum > sum.maximum);
  return {
    points: sum.points + 1,
    averageSum: sum.averageSum + (v.average ?? 0),
    averages: sum.averages + (v.average !== undefined ? 1 : 0),
    ...(v.minimum !== undefined || sum.minimum !== undefined
      ? { minimum: Math.min(v.minimum ?? Infinity, sum.minimum ?? Infinity) }
      : {}),
    ...(higher ? { maximum: v.maximum, maximumAt: minute } : pick(sum)),
    totalSum: sum.totalSum + (v.total ?? 0),
    totals: sum.totals + (v.total !== undefined ? 1 : 0),
    countSum: sum.countSum + (v.count ?? 0),
    counts: sum.counts + (v.count !== undefined ? 1 : 0),
  };
}

function pick(sum: HourAggregate): Pick<HourAggregate, 'maximum' | 'maximumAt'> {
  return sum.maximum !== undefined
    ? { maximum: sum.maximum, ...(sum.maximumAt !== undefined ? { maximumAt: sum.maximumAt } : {}) }
    : {};
}

function newerLatest(latest: LatestPoint | undefined, point: Datapoint): LatestPoint {
  const time = Date.parse(point.timestamp);
  if (latest) {
    const kept = Date.parse(latest.timestamp);
    if (kept > time) return latest;
    // Same bucket: a settled reading replaces a provisional one, never the other way round.
    if (kept === time && !latest.provisional && point.provisional) return latest;
  }
  return {
    timestamp: toUtcSecond(point.timestamp),
    ...(point.provisional ? { provisional: true } : {}),
    ...valuesOf(point),
  };
}

/** The hour as the views draw it: settled sums plus the provisional buckets, rounded like the query API. */
export function rollUpHour(state: HourState): HourRollUp {
  const sum = combineHour(state);
  const start = state.hour * HOUR_MS;
  return {
    hour: toUtcSecond(new Date(start)),
    points: sum.points,
    ...(state.provisional.size > 0 ? { provisional: true } : {}),
    ...(sum.averages > 0 ? { average: round(sum.averageSum / sum.averages) } : {}),
    ...(sum.minimum !== undefined ? { minimum: sum.minimum } : {}),
    ...(sum.maximum !== undefined ? { maximum: sum.maximum } : {}),
    ...(sum.maximumAt !== undefined ? { maximumAt: toUtcSecond(new Date(start + sum.maximumAt * MINUTE_MS)) } : {}),
    ...(sum.totals > 0 ? { total: round(sum.totalSum) } : {}),
    ...(sum.counts > 0 ? { count: sum.countSum } : {}),
  };
}

/** The hour's sums with its provisional buckets counted in (what the views show until they settle). */
export function combineHour(state: HourState): HourAggregate {
  let sum = state.settled;
  for (const [minute, values] of state.provisional) sum = addValues(sum, minute, values);
  return sum;
}

/** Same rounding as the query API's roll-up: 6 decimals hide binary noise and nothing an operator reads. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function finite(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}
