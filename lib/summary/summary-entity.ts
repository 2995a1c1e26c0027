import { createHash } from 'node:crypto';
import { hasDimensions, type Dimensions } from '../metrics/datapoint';
import { fromJsonParts, toJsonParts } from '../store/json-property-parts';
import { dimensionKey, resourceKey } from '../store/metric-keys';
import {
  combineHour,
  type HourAggregate,
  type HourState,
  type PointValues,
  type SeriesSummary,
} from './series-summary';

/**
 * Key design of the `summaries` table:
 * - partition `{customerId}`: one row per series (`s~{resource}~{metric}~{dimensions}`) with its latest point
 *   and hourly roll-ups, and a `~meta` row once the customer's summary exists. A customer's detail page and
 *   the collection worker read this one partition.
 * - partitions `~top~0` … `~top~7` (customer ids are slugs, never `~`): one small row per series keyed by
 *   metric first (`{metric}~{customerId}~{resource}~...`), holding only what `GET /api/metrics/top` ranks by,
 *   in the bucket its customer's id hashes to. A ranking is one row-range query per bucket (TOP_BUCKETS,
 *   however many customers there are); a run writes its customer's copies in one transaction (one bucket).
 *   Why buckets rather than one partition: every customer's copies are rewritten every hour, and one partition
 *   serves at most 2,000 entities/s (https://learn.microsoft.com/azure/storage/tables/scalability-targets),
 *   so one partition would cap the fleet; Azurite also looks up each upserted row by scanning its partition,
 *   which at 1,000 customers × 30 series made every write cost a scan of 30,000 rows.
 */
export const TOP_BUCKETS = 8;
export const META_ROW = '~meta';
export const SERIES_ROW_PREFIX = 's~';

export type SummaryEntity = {
  partitionKey: string;
  rowKey: string;
  resourceId: string;
  metric: string;
  /** JSON of the dimension values (tables hold no nested objects); absent for an unsplit series. */
  dimensions?: string;
  unit?: string;
  interval: string;
  /** Incremented on every write; the top row copies it, so a stale copy can be recognised. */
  revision: number;
  latestJson?: string;
  /**
   * Hourly state, spread over `hoursJson`, `hoursJson1`, ...: a property holds 64 KiB and an entity 1 MiB
   * (https://learn.microsoft.com/azure/storage/tables/scalability-targets); a week of one-minute buckets
   * with provisional ones can outgrow one property.
   */
  hoursJson: string;
};

export type TopEntity = {
  partitionKey: string;
  rowKey: string;
  customerId: string;
  resourceId: string;
  metric: string;
  /** The metric name lower-cased: rankings match names case-insensitively, as Azure does. */
  metricKey: string;
  dimensions?: string;
  unit?: string;
  revision: number;
  /** `[[hour, maximum, minuteOfMaximum, averageSum, averages, points, provisional], ...]` oldest first. */
  hoursJson: string;
};

/** Key-safe text: `/ \ # ?` and control characters are forbidden in keys, `~` separates key parts. */
function keyPart(text: string): string {
  return encodeURIComponent(text).replace(/~/g, '%7E');
}

/** Row key of a series in its customer's partition. */
export function seriesRowKey(resourceId: string, metric: string, dimensions?: Dimensions): string {
  return `${SERIES_ROW_PREFIX}${resourceKey(resourceId)}~${keyPart(metric)}~${hasDimensions(dimensions) ? dimensionKey(dimensions) : ''}`;
}

/** The ranking partition of a customer's series: a stable hash of its id over TOP_BUCKETS. */
export function topPartitionOf(customerId: string): string {
  return topPartition(createHash('sha256').update(customerId).digest().readUInt32BE(0) % TOP_BUCKETS);
}

/** Every ranking partition, for a ranking that reads them all. */
export function topPartitions(): string[] {
  return Array.from({ length: TOP_BUCKETS }, (_, bucket) => topPartition(bucket));
}

function topPartition(bucket: number): string {
  return `~top~${bucket}`;
}

/** Where the top rows of one metric start: every row of the metric shares this prefix. */
export function topRowPrefix(metric: string): string {
  return `${keyPart(metric.toLowerCase())}~`;
}

export function topRowKey(customerId: string, summary: SeriesSummary): string {
  return `${topRowPrefix(summary.metric)}${customerId}~${seriesRowKey(summary.resourceId, summary.metric, summary.dimensions)}`;
}

export function toSummaryEntity(customerId: string, summary: SeriesSummary, revision: number): SummaryEntity {
  const hours = summary.hours.map((h) => [
    h.hour,
    h.settledMinutes.toString(16),
    aggregateToArray(h.settled),
    [...h.provisional.entries()].map(([minute, v]) => [minute, ...valuesToArray(v)]),
  ]);
  return {
    partitionKey: customerId,
    rowKey: seriesRowKey(summary.resourceId, summary.metric, summary.dimensions),
    resourceId: summary.resourceId,
    metric: summary.metric,
    ...(summary.dimensions ? { dimensions: JSON.stringify(summary.dimensions) } : {}),
    ...(summary.unit ? { unit: summary.unit } : {}),
    interval: summary.interval,
    revision,
    ...(summary.latest ? { latestJson: JSON.stringify(summary.latest) } : {}),
    ...(toJsonParts('hoursJson', JSON.stringify(hours)) as { hoursJson: string }),
  };
}

type HourJson = [number, string, AggregateArray, Array<[number, ...ValuesArray]>];
type AggregateArray = [number, number, number, Num, Num, Num, number, number, number, number];
type ValuesArray = [Num, Num, Num, Num, Num];
type Num = number | null;

export function fromSummaryEntity(entity: SummaryEntity): SeriesSummary {
  const hours = JSON.parse(fromJsonParts(entity, 'hoursJson') ?? '[]') as HourJson[];
  return {
    resourceId: entity.resourceId,
    metric: entity.metric,
    ...(entity.dimensions ? { dimensions: JSON.parse(entity.dimensions) as Dimensions } : {}),
    ...(entity.unit ? { unit: entity.unit } : {}),
    interval: entity.interval,
    ...(entity.latestJson ? { latest: JSON.parse(entity.latestJson) as SeriesSummary['latest'] } : {}),
    hours: hours.map(([hour, mask, settled, provisional]): HourState => ({
      hour,
      settledMinutes: BigInt(`0x${mask || '0'}`),
      settled: aggregateFromArray(settled),
      provisional: new Map(provisional.map(([minute, ...values]) => [minute, valuesFromArray(values)])),
    })),
  };
}

/** The ranking copy of a series: per hour only the maximum (and its minute), the sums of averages and points. */
export function toTopEntity(customerId: string, summary: SeriesSummary, revision: number): TopEntity {
  const hours = summary.hours.map((h) => {
    const sum = combineHour(h);
    return [
      h.hour,
      sum.maximum ?? null,
      sum.maximumAt ?? null,
      sum.averageSum,
      sum.averages,
      sum.points,
      h.provisional.size > 0 ? 1 : 0,
    ];
  });
  return {
    partitionKey: topPartitionOf(customerId),
    rowKey: topRowKey(customerId, summary),
    customerId,
    resourceId: summary.resourceId,
    metric: summary.metric,
    metricKey: summary.metric.toLowerCase(),
    ...(summary.dimensions ? { dimensions: JSON.stringify(summary.dimensions) } : {}),
    ...(summary.unit ? { unit: summary.unit } : {}),
    revision,
    ...(toJsonParts('hoursJson', JSON.stringify(hours)) as { hoursJson: string }),
  };
}

/** One hour of a top row. */
export interface TopHour {
  readonly hour: number;
  readonly maximum?: number;
  readonly maximumAt?: number;
  readonly averageSum: number;
  readonly averages: number;
  readonly points: number;
  readonly provisional: boolean;
}

export function topHoursOf(entity: TopEntity): TopHour[] {
  const rows = JSON.parse(fromJsonParts(entity, 'hoursJson') ?? '[]') as Array<
    [number, Num, Num, number, number, number, number]
  >;
  return rows.map(([hour, maximum, maximumAt, averageSum, averages, points, provisional]) => ({
    hour,
    ...(maximum !== null ? { maximum } : {}),
    ...(maximumAt !== null ? { maximumAt } : {}),
    averageSum,
    averages,
    points,
    provisional: provisional === 1,
  }));
}

function aggregateToArray(a: HourAggregate): AggregateArray {
  return [
    a.points,
    a.averageSum,
    a.averages,
    a.minimum ?? null,
    a.maximum ?? null,
    a.maximumAt ?? null,
    a.totalSum,
    a.totals,
    a.countSum,
    a.counts,
  ];
}

function aggregateFromArray([
  points,
  averageSum,
  averages,
  minimum,
  maximum,
  maximumAt,
  totalSum,
  totals,
  countSum,
  counts,
]: AggregateArray): HourAggregate {
  return {
    points,
    averageSum,
    averages,
    ...(minimum !== null ? { minimum } : {}),
    ...(maximum !== null ? { maximum } : {}),
    ...(maximumAt !== null ? { maximumAt } : {}),
    totalSum,
    totals,
    countSum,
    counts,
  };
}

function valuesToArray(v: PointValues): ValuesArray {
  return [v.average ?? null, v.minimum ?? null, v.maximum ?? null, v.total ?? null, v.count ?? null];
}

function valuesFromArray([average, minimum, maximum, total, count]: Num[]): PointValues {
  return {
    ...(average !== null && average !== undefined ? { average } : {}),
    ...(minimum !== null && minimum !== undefined ? { minimum } : {}),
    ...(maximum !== null && maximum !== undefined ? { maximum } : {}),
    ...(total !== null && total !== undefined ? { total } : {}),
    ...(count !== null && count !== undefined ? { count } : {}),
  };
}
