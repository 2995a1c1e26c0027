import { randomUUID } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { AuditEntry } from './audit-recorder';
import { submitInBatches } from '../store/table-entity';

type AuditEntity = Omit<AuditEntry, 'customerId'> & { partitionKey: string; rowKey: string };

/**
 * The access audit: one partition per customer, rows keyed by call time, so "what did you access in
 * my tenant between A and B" is a partition-equality, row-range query.
 */
export class AuditStore {
  constructor(private readonly table: TableClient) {}

  /** Writes a run's entries: one transaction per 100 (a run normally fits in one). */
  async write(entries: readonly AuditEntry[]): Promise<number> {
    const byCustomer = new Map<string, AuditEntry[]>();
    for (const e of entries) byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), e]);
    for (const [, rows] of byCustomer) {
      await submitInBatches(
        this.table,
        rows.map((e): TransactionAction => ['create', toEntity(e)]),
      );
    }
    return entries.length;
  }

  /** Entries of a customer with `from <= at < to`, oldest first, at most `limit`. */
  async query(customerId: string, from: Date, to: Date, limit: number): Promise<AuditEntry[]> {
    const filter = odata`PartitionKey eq ${customerId} and RowKey ge ${from.toISOString()} and RowKey lt ${to.toISOString()}`;
    const out: AuditEntry[] = [];
    for await (const e of this.table.listEntities<AuditEntity>({ queryOptions: { filter } })) {
      out.push(fromEntity(e));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Deletes a customer's entries older than `before` (retention). @returns how many. */
  async prune(customerId: string, before: Date): Promise<number> {
    const filter = odata`PartitionKey eq ${customerId} and RowKey lt ${before.toISOString()}`;
    const keys: { partitionKey: string; rowKey: string }[] = [];
    for await (const e of this.table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
      keys.push({ partitionKey: e.partitionKey ?? customerId, rowKey: e.rowKey ?? '' });
    }
    return submitInBatches(
      this.table,
      keys.map((k): TransactionAction => ['delete', k]),
    );
  }
}

function toEntity(entry: AuditEntry): AuditEntity {
  const { customerId, ...rest } = entry;
  // Time first so rows sort by time; a random suffix keeps calls in the same millisecond apart.
  return { partitionKey: customerId, rowKey: `${entry.at}_${randomUUID().slice(0, 8)}`, ...rest };
}

function fromEntity(e: AuditEntity): AuditEntry {
  return {
    customerId: e.partitionKey,
    runId: e.runId,
    at: e.at,
    operation: e.operation,
    method: e.method,
    resource: e.resource,
    status: Number(e.status),
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.correlationId ? { correlationId: e.correlationId } : {}),
    durationMs: Number(e.durationMs),
    ...(e.cost !== undefined && e.cost !== null ? { cost: Number(e.cost) } : {}),
  };
}
