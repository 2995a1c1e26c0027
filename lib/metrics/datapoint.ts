import { LruMap } from '../caching/lru-map';

/**
 * Dimension values of one split series, keyed by dimension name (as configured, else as Azure names it).
 * Absent or empty: the metric's unsplit series.
 */
export type Dimensions = Readonly<Record<string, string>>;

/** One aggregated value of one metric of one resource at one time grain. */
export interface Datapoint {
  readonly resourceId: string;
  /** The metric name as configured (Azure's `name.value`), never the localized display name. */
  readonly metric: string;
  /** The dimension values of the series this point belongs to; absent for an unsplit series. */
  readonly dimensions?: Dimensions;
  /** ISO 8601 instant, UTC, second precision, e.g. `2026-11-22T09:05:00Z`: the start of the bucket. */
  readonly timestamp: string;
  /** The grain Azure actually answered with (it may differ from the one asked for). */
  readonly interval: string;
  readonly unit?: string;
  /**
   * True while the bucket may still change: it closed less than the source's ingestion delay before it was
   * read, so late samples can still arrive. A later read that finds it settled writes it without the flag.
   */
  readonly provisional?: boolean;
  readonly average?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly total?: number;
  readonly count?: number;
}

export const AGGREGATION_FIELDS = ['average', 'minimum', 'maximum', 'total', 'count'] as const;
export type AggregationField = (typeof AGGREGATION_FIELDS)[number];

/**
 * Recent conversions: a customer's series share their few timestamps (30 series × 12 points of an hour are
 * 12 instants), and every point's row key and every read point pass through here; parsing and formatting
 * each again was the product's own top CPU item in `npm run bench`'s profile. Bounded: a pure function's
 * cache, never per customer.
 */
const recentUtcSeconds = new LruMap<string | number, string>(1024);

/** `2026-11-22T09:05:00Z`: second precision keeps row keys identical however the source formats time. */
export function toUtcSecond(value: string | Date): string {
  const key = typeof value === 'string' ? value : value.getTime();
  const known = recentUtcSeconds.get(key);
  if (known !== undefined) return known;
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a timestamp: ${String(value)}`);
  const utcSecond = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  recentUtcSeconds.set(key, utcSecond);
  return utcSecond;
}

/** True when the point belongs to a split series (it has at least one dimension value). */
export function hasDimensions(dimensions: Dimensions | undefined): dimensions is Dimensions {
  return dimensions !== undefined && Object.keys(dimensions).length > 0;
}
