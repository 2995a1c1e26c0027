import { AGGREGATION_FIELDS, toUtcSecond, type AggregationField, type Datapoint, type Dimensions } from './datapoint';
import { parseIsoDuration } from './parse-iso-duration';

/** One `metadatavalues` entry: the dimension and this series' value of it. */
export interface MetadataValueLike {
  readonly name?: { readonly value?: string; readonly localizedValue?: string };
  readonly value?: string;
}

/** One slot of a series. Azure leaves every aggregate out of a slot it has no data for (yet). */
export interface MetricValueLike {
  readonly timeStamp: Date | string;
  readonly average?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly total?: number;
  readonly count?: number;
}

export interface MetricLike {
  readonly name: { readonly value: string; readonly localizedValue?: string };
  readonly unit?: string;
  readonly timeseries?: ReadonlyArray<{
    readonly metadatavalues?: readonly MetadataValueLike[];
    readonly data?: readonly MetricValueLike[];
  }>;
}

/**
 * The part of a metrics response that we keep. Per-resource `Metrics_List` answers in this shape, and so
 * does each entry of a batch (`metrics:getBatch`) answer's `values`: both readers hand it here as is.
 */
export interface MetricsResponseLike {
  readonly interval?: string;
  readonly value: readonly MetricLike[];
}

/** What a conversion needs to know about the request that produced the response. */
export interface ConversionRequest {
  readonly resourceId: string;
  /** The metric names as configured: stored series are keyed on these, whatever casing Azure echoes. */
  readonly requestedMetrics: readonly string[];
  /** The grain asked for; the response's own `interval` wins when present (Azure may adjust it). */
  readonly interval: string;
  /** Only buckets that start in [start, end) are kept: the message's window plus its look-back. */
  readonly range: { readonly start: Date; readonly end: Date };
  /**
   * Buckets that end after this instant are marked provisional: it is the read time minus the source's
   * ingestion delay, so late samples can still land in them.
   */
  readonly settledBefore: Date;
  /** Dimension names as configured (any metric): a series' dimension is spelled this way when Azure's matches. */
  readonly dimensionNames?: readonly string[];
}

/**
 * Turns a metrics response into datapoints, one per series and bucket, and is the only place that does:
 * - every `timeseries` entry stays its own series, keyed on its `metadatavalues` (dimension → value), so a
 *   split response is never collapsed, whether or not the split was asked for;
 * - slots without any aggregate (Azure's "no data yet", see the ingestion-delay notes in README) are
 *   dropped, never stored as zeros; a real 0 that Azure reports is kept;
 * - buckets outside the requested range are dropped (Azure aligns and may answer a wider span);
 * - buckets that may still grow are marked `provisional`.
 */
export function toDatapoints(response: MetricsResponseLike, request: ConversionRequest): Datapoint[] {
  const requestedByLower = new Map(request.requestedMetrics.map((m) => [m.toLowerCase(), m]));
  const configuredDimension = new Map((request.dimensionNames ?? []).map((d) => [d.toLowerCase(), d]));
  const interval = response.interval ?? request.interval;
  const grainMs = parseIsoDuration(interval) ?? 0;
  const start = request.range.start.getTime();
  const end = request.range.end.getTime();
  const settled = request.settledBefore.getTime();
  const points: Datapoint[] = [];
  for (const metric of response.value) {
    const name = requestedByLower.get(metric.name.value.toLowerCase()) ?? metric.name.value;
    for (const series of metric.timeseries ?? []) {
      const dimensions = toDimensions(series.metadatavalues ?? [], configuredDimension);
      for (const value of series.data ?? []) {
        const aggregates = pickAggregates(value);
        if (Object.keys(aggregates).length === 0) continue;
        const at = new Date(value.timeStamp).getTime();
        if (!(at >= start && at < end)) continue;
        const provisional = at + grainMs > settled;
        points.push({
          resourceId: request.resourceId,
          metric: name,
          ...(dimensions ? { dimensions } : {}),
          timestamp: toUtcSecond(new Date(at)),
          interval,
          ...(metric.unit ? { unit: metric.unit } : {}),
          ...(provisional ? { provisional: true } : {}),
          ...aggregates,
        });
      }
    }
  }
  return points;
}

/** `[{name: {value: 'tier'}, value: 'Hot'}]` → `{Tier: 'Hot'}` (configured spelling); none → undefined. */
function toDimensions(
  metadata: readonly MetadataValueLike[],
  configured: ReadonlyMap<string, string>,
): Dimensions | undefined {
  const entries = metadata
    .map((m) => [m.name?.value ?? m.name?.localizedValue ?? '', m.value ?? ''] as const)
    .filter(([dimension]) => dimension !== '')
    .map(([dimension, value]) => [configured.get(dimension.toLowerCase()) ?? dimension, value] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The aggregates present as numbers; Azure leaves a field out where a slot has no data. */
function pickAggregates(value: Partial<Record<AggregationField, number>>): Partial<Record<AggregationField, number>> {
  const out: Partial<Record<AggregationField, number>> = {};
  for (const field of AGGREGATION_FIELDS) {
    const v = value[field];
    if (typeof v === 'number' && Number.isFinite(v)) out[field] = v;
  }
  return out;
}
