import type { TableClient } from '@azure/data-tables';
import { DEFAULT_CACHED_CUSTOMERS, LruMap } from '../caching/lru-map';
import { findEntity } from '../store/table-entity';

/** How a customer's metrics are read: in batches, or per resource because the batch API refused. */
export interface MetricsAccess {
  readonly mode: 'batch' | 'perResource';
  /** When batch access was last tried (ISO). */
  readonly checkedAt: string;
  /** Why per resource: the diagnosis code of the batch refusal (e.g. MetricsBatchUnauthorized). */
  readonly reasonCode?: string;
  /** The subscription scope the batch API refused, where the role is missing. */
  readonly scope?: string;
}

const PARTITION = 'metricsAccess';

type AccessEntity = {
  partitionKey: string;
  rowKey: string;
  mode: string;
  checkedAt: string;
  reasonCode?: string;
  scope?: string;
};

/**
 * Remembers per customer whether the metrics batch API works for its principal (it needs a role at
 * subscription scope), so a refused customer is collected per resource without asking again every
 * hour, and is asked again once `reprobeHours` have passed. Kept in process too: a worker re-reads the
 * row only for customers it has not seen. Lives in the status table, in its own partition.
 */
export class MetricsAccessStore {
  readonly #cache: LruMap<string, MetricsAccess | null>;

  /** `maxCached`: customers remembered in process (least recently used dropped, read again from the table). */
  constructor(
    private readonly table: TableClient,
    maxCached = DEFAULT_CACHED_CUSTOMERS,
  ) {
    this.#cache = new LruMap(maxCached);
  }

  /** Customers remembered in process (never more than `maxCached`). */
  get cachedCustomers(): number {
    return this.#cache.size;
  }

  async find(customerId: string): Promise<MetricsAccess | undefined> {
    const cached = this.#cache.get(customerId);
    if (cached !== undefined) return cached ?? undefined;
    const entity = await findEntity<AccessEntity>(this.table, PARTITION, customerId);
    const access = entity ? fromEntity(entity) : undefined;
    this.#cache.set(customerId, access ?? null);
    return access;
  }

  /**
   * Stores the outcome of a batch attempt. "Batch works" costs no write when the table already says so or
   * holds no row (known from this process's read): no row reads as batch (shouldTryBatch), so only a refusal,
   * or batch working again after one, is written. Most customers never write this row at all.
   */
  async record(customerId: string, access: MetricsAccess): Promise<void> {
    const previous = this.#cache.get(customerId);
    this.#cache.set(customerId, access);
    if ((previous === null || previous?.mode === 'batch') && access.mode === 'batch') return;
    await this.table.upsertEntity<AccessEntity>(
      {
        partitionKey: PARTITION,
        rowKey: customerId,
        mode: access.mode,
        checkedAt: access.checkedAt,
        ...(access.reasonCode ? { reasonCode: access.reasonCode } : {}),
        ...(access.scope ? { scope: access.scope } : {}),
      },
      'Replace',
    );
  }
}

/** True when the customer should try the batch API this run (never refused, or refused long enough ago). */
export function shouldTryBatch(access: MetricsAccess | undefined, now: Date, reprobeHours: number): boolean {
  if (!access || access.mode === 'batch') return true;
  return now.getTime() - new Date(access.checkedAt).getTime() >= reprobeHours * 3_600_000;
}

function fromEntity(entity: AccessEntity): MetricsAccess {
  return {
    mode: entity.mode === 'perResource' ? 'perResource' : 'batch',
    checkedAt: entity.checkedAt,
    ...(entity.reasonCode ? { reasonCode: entity.reasonCode } : {}),
    ...(entity.scope ? { scope: entity.scope } : {}),
  };
}
