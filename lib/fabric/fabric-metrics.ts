import { toUtcSecond, type Datapoint } from '../metrics/datapoint';

/**
 * The series a Fabric capacity gets, whichever path fed them (the Capacity Metrics model or pushed
 * Real-Time hub events). Percentages are of the capacity's CU limit per 30-second timepoint, as the
 * app shows them; `CULimit` is the SKU's CU per second (F64 → 64).
 */
export const FABRIC_METRICS = [
  'CUPercent',
  'InteractiveCUPercent',
  'BackgroundCUPercent',
  'InteractiveDelayPercent',
  'InteractiveRejectionPercent',
  'BackgroundRejectionPercent',
  'CarryOverAddedPercent',
  'CarryOverBurndownPercent',
  'CarryOverCumulativePercent',
  'CULimit',
] as const;
export type FabricMetric = (typeof FABRIC_METRICS)[number];

/** Fabric smooths and reports CU in 30-second timepoints. */
export const TIMEPOINT_MS = 30_000;

/** One 30-second timepoint of one capacity. */
export interface CapacityTimepoint {
  /** ISO instant of the timepoint's start. */
  readonly timestamp: string;
  readonly values: Partial<Record<FabricMetric, number>>;
}

const INTERVAL_MS: Readonly<Record<string, number>> = {
  PT1M: 60_000,
  PT5M: 300_000,
  PT15M: 900_000,
  PT30M: 1_800_000,
  PT1H: 3_600_000,
};
export const FABRIC_INTERVALS = Object.keys(INTERVAL_MS) as ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'];

/** The ARM type of a Fabric capacity, lower case. */
export const FABRIC_CAPACITY_TYPE = 'microsoft.fabric/capacities';

/** True for `/subscriptions/.../providers/Microsoft.Fabric/capacities/{name}`. */
export function isFabricCapacity(resourceId: string): boolean {
  return /\/providers\/microsoft\.fabric\/capacities\/[^/]+$/i.test(resourceId);
}

/**
 * Rolls 30-second timepoints up to `interval` buckets (UTC-aligned), keeping the average and the
 * maximum (throttling hides in the maximum: a 5-minute average of 80 % can hold a minute at 130 %)
 * and the number of timepoints seen. Only timepoints in [from, to) count; a bucket is written only
 * with what exists, so a later run with more timepoints rewrites it whole (same row keys).
 */
export function rollUpTimepoints(
  resourceId: string,
  timepoints: readonly CapacityTimepoint[],
  interval: string,
  from: Date,
  to: Date,
): Datapoint[] {
  const size = INTERVAL_MS[interval];
  if (!size) throw new RangeError(`Unsupported Fabric interval ${interval}`);
  const buckets = new Map<string, Map<number, number[]>>();
  const seen = new Set<number>();
  for (const point of timepoints) {
    const at = Date.parse(point.timestamp);
    if (!(at >= from.getTime() && at < to.getTime()) || seen.has(at)) continue;
    seen.add(at); // one value per timepoint, however many sources repeated it
    const bucket = Math.floor(at / size) * size;
    for (const [metric, value] of Object.entries(point.values)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const byBucket = buckets.get(metric) ?? new Map<number, number[]>();
      const values = byBucket.get(bucket) ?? [];
      values.push(value);
      byBucket.set(bucket, values);
      buckets.set(metric, byBucket);
    }
  }
  const points: Datapoint[] = [];
  for (const [metric, byBucket] of buckets) {
    for (const [bucket, values] of [...byBucket.entries()].sort(([a], [b]) => a - b)) {
      points.push({
        resourceId,
        metric,
        timestamp: toUtcSecond(new Date(bucket)),
        interval,
        unit: metric === 'CULimit' ? 'Count' : 'Percent',
        average: round(values.reduce((a, b) => a + b, 0) / values.length),
        maximum: round(Math.max(...values)),
        count: values.length,
      });
    }
  }
  return points;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
