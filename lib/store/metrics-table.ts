import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { AGGREGATION_FIELDS, hasDimensions, type Datapoint, type Dimensions } from '../metrics/datapoint';
import { DIMENSION_KEY_LENGTH, metricPartitionKey, metricRowKey } from './metric-keys';
import { submitInBatches } from './table-entity';
import { mapWithConcurrency } from '../batching/map-with-concurrency';

/**
 * Transactions of one customer's write in flight at once. A transaction holds one partition, and the
 * key design gives each series its own partition, so an hour of 1,000 series is 1,000 transactions:
 * in series they dominate a large customer's run; Storage takes 20,000 per second per account.
 */
const PARALLEL_TRANSACTIONS = 8;

export interface SeriesQuery {
  readonly customerId: string;
  readonly resourceId: string;
  readonly metric: string;
  /** The split series with these dimension values; absent: the metric's unsplit series. */
  readonly dimensions?: Dimensions;
  readonly from: Date;
  readonly to: Date;
  /** Stop after this many points (the API bounds responses). */
  readonly limit?: number;
}

/** Every stored series of one metric of one resource: the unsplit one and each split one. */
export interface MetricSeriesQuery {
  readonly customerId: string;
  readonly resourceId: string;
  readonly metric: string;
  readonly from: Date;
  readonly to: Date;
  /** Stop after this many points in all. */
  readonly limit?: number;
  /** Continue inside the series `dimensionKey` ('' = unsplit) at `from`, then the series after it. */
  readonly resume?: { readonly dimensionKey: string; readonly from: Date };
}

/** One stored series; `dimensionKey` is '' for the unsplit series. */
export interface StoredSeries {
  readonly dimensionKey: string;
  readonly dimensions?: Dimensions;
  readonly points: Datapoint[];
}

type DatapointEntity = {
  partitionKey: string;
  rowKey: string;
  customerId: string;
  resourceId: string;
  metric: string;
  /** JSON of the dimension values (tables hold no nested objects); absent for an unsplit series. */
  dimensions?: string;
  timestamp: Date;
  interval: string;
  unit?: string;
  provisional?: boolean;
  average?: number;
  minimum?: number;
  maximum?: number;
  total?: number;
  count?: number;
};

/**
 * Time series of metric datapoints in Table Storage, one partition per customer + resource + metric
 * (+ dimension values for a split series).
 */
export class MetricsTable {
  constructor(private readonly table: TableClient) {}

  /**
   * Upserts (replace) datapoints in per-partition transactions of at most 100. Writing the same
   * datapoints twice leaves identical rows: keys derive from the data only. A point read twice in one
   * batch (same series and instant) is one row; the later reading wins.
   * @returns the number of rows written.
   */
  async write(customerId: string, datapoints: readonly Datapoint[]): Promise<number> {
    const byPartition = new Map<string, Map<string, DatapointEntity>>();
    for (const point of datapoints) {
      const entity = toEntity(customerId, point);
      const rows = byPartition.get(entity.partitionKey) ?? new Map<string, DatapointEntity>();
      rows.set(entity.rowKey, entity);
      byPartition.set(entity.partitionKey, rows);
    }
    // One transaction per partition (series) and at most 100 rows: partitions go in parallel, bounded.
    const settled = await mapWithConcurrency([...byPartition.values()], PARALLEL_TRANSACTIONS, (rows) =>
      submitInBatches(
        this.table,
        [...rows.values()].map((entity): TransactionAction => ['upsert', entity, 'Replace']),
      ),
    );
    let written = 0;
    for (const result of settled) {
      if (result.status === 'rejected') throw result.reason;
      written += result.value;
    }
    return written;
  }

  /** Datapoints of one series in [from, to), oldest first: a partition-equality, row-range query. */
  async query(query: SeriesQuery): Promise<Datapoint[]> {
    const partitionKey = metricPartitionKey(query.customerId, query.resourceId, query.metric, query.dimensions);
    const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${metricRowKey(query.from)} and RowKey lt ${metricRowKey(query.to)}`;
    const points: Datapoint[] = [];
    for await (const entity of this.table.listEntities<DatapointEntity>({ queryOptions: { filter } })) {
      points.push(fromEntity(entity));
      if (query.limit !== undefined && points.length >= query.limit) break;
    }
    return points;
  }

  /**
   * Every series of one metric in [from, to): the unsplit partition, then the split ones in key order (one
   * partition-range query, as split partitions share the unsplit key as prefix). Oldest first per series.
   */
  async querySeries(query: MetricSeriesQuery): Promise<StoredSeries[]> {
    const base = metricPartitionKey(query.customerId, query.resourceId, query.metric);
    const from = metricRowKey(query.from);
    const to = metricRowKey(query.to);
    const resumeKey = query.resume?.dimensionKey;
    const resumeFrom = query.resume ? metricRowKey(query.resume.from) : from;
    const filters: string[] = [];
    if (!resumeKey) {
      filters.push(odata`PartitionKey eq ${base} and RowKey ge ${resumeFrom} and RowKey lt ${to}`);
      filters.push(
        odata`PartitionKey gt ${`${base}~`} and PartitionKey lt ${`${base}~~`} and RowKey ge ${from} and RowKey lt ${to}`,
      );
    } else {
      const resumePartition = `${base}~${resumeKey}`;
      filters.push(odata`PartitionKey eq ${resumePartition} and RowKey ge ${resumeFrom} and RowKey lt ${to}`);
      filters.push(
        odata`PartitionKey gt ${resumePartition} and PartitionKey lt ${`${base}~~`} and RowKey ge ${from} and RowKey lt ${to}`,
      );
    }
    const splitKey = new RegExp(`^${escapeRegExp(base)}(?:~([0-9a-f]{${DIMENSION_KEY_LENGTH}}))?$`);
    const series = new Map<string, StoredSeries>();
    let count = 0;
    for (const filter of filters) {
      for await (const entity of this.table.listEntities<DatapointEntity>({ queryOptions: { filter } })) {
        // A metric whose own name continues this one's with `~` sorts in the same range: not ours.
        const match = splitKey.exec(entity.partitionKey);
        if (!match) continue;
        const point = fromEntity(entity);
        const key = match[1] ?? '';
        const entry = series.get(key) ?? {
          dimensionKey: key,
          ...(point.dimensions ? { dimensions: point.dimensions } : {}),
          points: [],
        };
        entry.points.push(point);
        series.set(key, entry);
        if (query.limit !== undefined && ++count >= query.limit) return [...series.values()];
      }
    }
    return [...series.values()];
  }

  /**
   * Every datapoint of every series of a customer from `from` on: one partition-range query (the customer id
   * leads every partition key of its series). Used once per customer, to build its first fleet summary.
   */
  async *listCustomerPoints(customerId: string, from: Date): AsyncIterable<Datapoint> {
    const filter = odata`PartitionKey gt ${`${customerId}~`} and PartitionKey lt ${`${customerId}~~`} and RowKey ge ${metricRowKey(from)}`;
    for await (const entity of this.table.listEntities<DatapointEntity>({ queryOptions: { filter } })) {
      yield fromEntity(entity);
    }
  }

  /**
   * Deletes every datapoint of a customer, including series of resources it no longer lists
   * (offboarding with --purge-data). A cross-partition scan, acceptable for a rare operation.
   * @returns how many datapoints were deleted.
   */
  async deleteCustomer(customerId: string): Promise<number> {
    const byPartition = new Map<string, string[]>();
    const filter = odata`customerId eq ${customerId}`;
    for await (const e of this.table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
      const keys = byPartition.get(e.partitionKey as string) ?? [];
      keys.push(e.rowKey as string);
      byPartition.set(e.partitionKey as string, keys);
    }
    let deleted = 0;
    for (const [partitionKey, rowKeys] of byPartition) {
      deleted += await submitInBatches(
        this.table,
        rowKeys.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]),
      );
    }
    return deleted;
  }
}

function toEntity(customerId: string, point: Datapoint): DatapointEntity {
  const entity: DatapointEntity = {
    partitionKey: metricPartitionKey(customerId, point.resourceId, point.metric, point.dimensions),
    rowKey: metricRowKey(point.timestamp),
    customerId,
    resourceId: point.resourceId,
    metric: point.metric,
    timestamp: new Date(metricRowKey(point.timestamp)),
    interval: point.interval,
  };
  if (hasDimensions(point.dimensions)) entity.dimensions = JSON.stringify(point.dimensions);
  if (point.unit !== undefined) entity.unit = point.unit;
  if (point.provisional) entity.provisional = true;
  for (const field of AGGREGATION_FIELDS) {
    const value = point[field];
    if (value !== undefined && Number.isFinite(value)) entity[field] = value;
  }
  return entity;
}

function fromEntity(entity: DatapointEntity): Datapoint {
  const point: { -readonly [K in keyof Datapoint]: Datapoint[K] } = {
    resourceId: entity.resourceId,
    metric: entity.metric,
    timestamp: entity.rowKey,
    interval: entity.interval,
  };
  if (entity.dimensions) point.dimensions = JSON.parse(entity.dimensions) as Dimensions;
  if (entity.unit) point.unit = entity.unit;
  if (entity.provisional === true) point.provisional = true;
  for (const field of AGGREGATION_FIELDS) {
    const value = entity[field];
    // Whole numbers may come back as Int64 (BigInt) from the service.
    if (value !== undefined && value !== null) point[field] = Number(value);
  }
  return point;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
