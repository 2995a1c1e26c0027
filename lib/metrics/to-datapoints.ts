import { AGGREGATION_FIELDS, toUtcSecond, type AggregationField, type Datapoint } from './datapoint';

/** The part of a per-resource metrics response (`Metrics_List`) that we keep. */
export interface MetricsResponseLike {
  readonly interval?: string;
  readonly value: ReadonlyArray<{
    readonly name: { readonly value: string; readonly localizedValue?: string };
    readonly unit?: string;
    readonly timeseries?: ReadonlyArray<{
      readonly data?: ReadonlyArray<{
        readonly timeStamp: Date | string;
        readonly average?: number;
        readonly minimum?: number;
        readonly maximum?: number;
        readonly total?: number;
        readonly count?: number;
      }>;
    }>;
  }>;
}

/**
 * Flattens a metrics response into datapoints keyed on the metric names we asked for. Points with no
 * aggregate at all (Azure's "no data yet" slots) are dropped rather than stored as zeros. Series are
 * matched case-insensitively because Azure may echo a name in its own casing.
 */
export function toDatapoints(
  resourceId: string,
  requestedMetrics: readonly string[],
  interval: string,
  response: MetricsResponseLike,
): Datapoint[] {
  const requestedByLower = new Map(requestedMetrics.map((m) => [m.toLowerCase(), m]));
  const points: Datapoint[] = [];
  for (const metric of response.value) {
    const name = requestedByLower.get(metric.name.value.toLowerCase()) ?? metric.name.value;
    // Without a dimension filter Azure returns one aggregate series per metric.
    for (const series of metric.timeseries ?? []) {
      for (const value of series.data ?? []) {
        const aggregates = pickAggregates(value);
        if (Object.keys(aggregates).length === 0) continue;
        points.push({
          resourceId,
          metric: name,
          timestamp: toUtcSecond(new Date(value.timeStamp)),
          interval: response.interval ?? interval,
          ...(metric.unit ? { unit: metric.unit } : {}),
          ...aggregates,
        });
      }
    }
  }
  return points;
}

/** The aggregates present as numbers; Azure leaves a field out where a slot has no data. */
function pickAggregates(value: Partial<Record<AggregationField, number>>): Partial<Record<AggregationField, number>> {
  const out: Partial<Record<AggregationField, number>> = {};
  for (const field of AGGREGATION_FIELDS) {
    const v = value[field];
    if (typeof v === 'number') out[field] = v;
  }
  return out;
}
