/** One aggregated value of one metric of one resource at one time grain. */
export interface Datapoint {
  readonly resourceId: string;
  /** The metric name as configured (Azure's `name.value`), never the localized display name. */
  readonly metric: string;
  /** ISO 8601 instant, UTC, second precision, e.g. `2026-11-22T09:05:00Z`. */
  readonly timestamp: string;
  readonly interval: string;
  readonly unit?: string;
  readonly average?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly total?: number;
  readonly count?: number;
}

export const AGGREGATION_FIELDS = ['average', 'minimum', 'maximum', 'total', 'count'] as const;
export type AggregationField = (typeof AGGREGATION_FIELDS)[number];

/** `2026-11-22T09:05:00Z`: second precision keeps row keys identical however the source formats time. */
export function toUtcSecond(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a timestamp: ${String(value)}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
