import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { AGGREGATION_FIELDS, type Datapoint } from '../metrics/datapoint';
import { metricPartitionKey, metricRowKey } from './metric-keys';
import { submitInBatches } from './table-entity';

export interface SeriesQuery {
  readonly customerId: string;
  readonly resourceId: string;
  readonly metric: string;
  readonly from: Date;
  readonly to: Date;
  /** Stop after this many points (the API bounds responses). */
  readonly limit?: number;
}

type DatapointEntity = {
  partitionKey: string;
  rowKey: string;
  customerId: string;
  resourceId: string;
  metric: string;
  timestamp: Date;
  interval: string;
  unit?: string;
  average?: number;
  minimum?: number;
  maximum?: number;
  total?: number;
  count?: number;
};

/** Time series of metric datapoints in Table Storage, one partition per customer + resource + metric. */
export class MetricsTable {
  constructor(private readonly table: TableClient) {}

  /**
   * Upserts (replace) datapoints in per-partition transactions of at most 100. Writing the same
   * datapoints twice leaves identical rows: keys derive from the data only.
   * @returns the number of datapoints written.
   */
  async write(customerId: string, datapoints: readonly Datapoint[]): Promise<number> {
    const byPartition = new Map<string, DatapointEntity[]>();
    for (const point of datapoints) {
      const entity = toEntity(customerId, point);
      const list = byPartition.get(entity.partitionKey) ?? [];
      list.push(entity);
      byPartition.set(entity.partitionKey, list);
    }
    for (const entities of byPartition.values()) {
      await submitInBatches(
        this.table,
        dedupeByRowKey(entities).map((entity): TransactionAction => ['upsert', entity, 'Replace']),
      );
    }
    return datapoints.length;
  }

  /** Datapoints of one series in [from, to), oldest first: a partition-equality, row-range query. */
  async query(query: SeriesQuery): Promise<Datapoint[]> {
    const partitionKey = metricPartitionKey(query.customerId, query.resourceId, query.metric);
    const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${metricRowKey(query.from)} and RowKey lt ${metricRowKey(query.to)}`;
    const points: Datapoint[] = [];
    for await (const entity of this.table.listEntities<DatapointEntity>({ queryOptions: { filter } })) {
      points.push(fromEntity(entity));
      if (query.limit !== undefined && points.length >= query.limit) break;
    }
    return points;
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
    partitionKey: metricPartitionKey(customerId, point.resourceId, point.metric),
    rowKey: metricRowKey(point.timestamp),
    customerId,
    resourceId: point.resourceId,
    metric: point.metric,
    timestamp: new Date(metricRowKey(point.timestamp)),
    interval: point.interval,
  };
  if (point.unit !== undefined) entity.unit = point.unit;
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
  if (entity.unit) point.unit = entity.unit;
  for (const field of AGGREGATION_FIELDS) {
    const value = entity[field];
    // Whole numbers may come back as Int64 (BigInt) from the service.
    if (value !== undefined && value !== null) point[field] = Number(value);
  }
  return point;
}

/** A transaction may not touch one row twice; the last value for a row wins. */
function dedupeByRowKey(entities: DatapointEntity[]): DatapointEntity[] {
  return [...new Map(entities.map((e) => [e.rowKey, e])).values()];
}
