import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { resourceKey } from '../store/metric-keys';
import type { DiscoveryEntry, DiscoveryMeta } from './discovery-entry';
import { submitInBatches } from '../store/table-entity';

/** Row key of the per-customer summary row; resource rows use 24-hex-digit hashes, so it cannot clash. */
const META_ROW = 'meta';

type EntryEntity = {
  partitionKey: string;
  rowKey: string;
  resourceId: string;
  name: string;
  type: string;
  location: string;
  firstSeenAt: string;
  lastSeenAt: string;
  vanishedAt?: string;
};

type MetaEntity = {
  partitionKey: string;
  rowKey: string;
  discoveredAt: string;
  scopeKey: string;
  activeCount: number;
};

export interface DiscoveryRecord {
  readonly meta?: DiscoveryMeta;
  readonly entries: readonly DiscoveryEntry[];
}

/**
 * The discovery table: one partition per customer holding a summary row and one row per resource
 * ever discovered (resource IDs contain `/`, which keys forbid, so rows are keyed by a hash and keep
 * the ID as a property). Vanished resources keep their row with `vanishedAt`, which is how a vanished
 * resource is reported only once.
 */
export class DiscoveryStore {
  constructor(private readonly table: TableClient) {}

  /** Everything known about a customer's discovered resources (empty when never discovered). */
  async read(customerId: string): Promise<DiscoveryRecord> {
    const entries: DiscoveryEntry[] = [];
    let meta: DiscoveryMeta | undefined;
    const rows = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${customerId}` },
    });
    for await (const row of rows) {
      if (row.rowKey === META_ROW) {
        const m = row as unknown as MetaEntity;
        meta = { discoveredAt: m.discoveredAt, scopeKey: m.scopeKey, activeCount: Number(m.activeCount) };
      } else {
        const e = row as unknown as EntryEntity;
        entries.push({
          resourceId: e.resourceId,
          name: e.name,
          type: e.type,
          location: e.location,
          firstSeenAt: e.firstSeenAt,
          lastSeenAt: e.lastSeenAt,
          ...(e.vanishedAt ? { vanishedAt: e.vanishedAt } : {}),
        });
      }
    }
    return { ...(meta ? { meta } : {}), entries };
  }

  /**
   * Writes the entries, deletes `removed`, then the summary row last: if a write fails half-way the
   * summary still names the previous query, so the next run queries again instead of trusting a
   * partial list.
   */
  async save(
    customerId: string,
    meta: DiscoveryMeta,
    entries: readonly DiscoveryEntry[],
    removed: readonly DiscoveryEntry[],
  ): Promise<void> {
    const actions: TransactionAction[] = [
      ...entries.map((e): TransactionAction => ['upsert', toEntity(customerId, e), 'Replace']),
      ...removed.map((e): TransactionAction => [
        'delete',
        { partitionKey: customerId, rowKey: resourceKey(e.resourceId) },
      ]),
    ];
    await submitInBatches(this.table, actions);
    await this.table.upsertEntity<MetaEntity>({ partitionKey: customerId, rowKey: META_ROW, ...meta }, 'Replace');
  }

  /** Forgets a customer's discovery (customer removed). */
  async remove(customerId: string): Promise<void> {
    const keys: TransactionAction[] = [];
    const rows = this.table.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${customerId}`, select: ['RowKey'] },
    });
    for await (const row of rows) keys.push(['delete', { partitionKey: customerId, rowKey: row.rowKey ?? '' }]);
    await submitInBatches(this.table, keys);
  }
}

function toEntity(customerId: string, entry: DiscoveryEntry): EntryEntity {
  return { partitionKey: customerId, rowKey: resourceKey(entry.resourceId), ...entry };
}
