import { randomUUID } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';

/** One admin action by an operator: who, what, which customer, when, and how it ended. */
export interface OperatorAuditEntry {
  /** When the action was received (ISO 8601). */
  readonly at: string;
  /** Entra object id of the operator (user or automation service principal). */
  readonly principalId: string;
  readonly principalName: string;
  /** The route's function name, e.g. `customer-put`, `customer-rotate-secret`. */
  readonly action: string;
  readonly method: string;
  /** The customer the action named; empty for actions on no customer. */
  readonly customerId: string;
  /** The HTTP status answered: 2xx succeeded, 4xx refused, 5xx failed. */
  readonly status: number;
  /** The problem code when it did not succeed (e.g. `SecretOwnedByAnotherCustomer`). */
  readonly code?: string;
}

type OperatorAuditEntity = OperatorAuditEntry & { partitionKey: string; rowKey: string };

/** One partition: admin actions are few (people and automation), and the question is "who did what, when". */
const PARTITION = 'operator';

/**
 * The operator audit (table `operatoraudit`): every admin action through the HTTP API, keyed by time so a
 * range is one row-range query. Never holds a secret, a token or a request body.
 */
export class OperatorAuditStore {
  constructor(private readonly table: TableClient) {}

  async write(entry: OperatorAuditEntry): Promise<void> {
    // Time first so rows sort by time; a random suffix keeps actions in the same millisecond apart.
    await this.table.createEntity<OperatorAuditEntity>({
      partitionKey: PARTITION,
      rowKey: `${entry.at}_${randomUUID().slice(0, 8)}`,
      ...entry,
      ...(entry.code ? { code: entry.code } : {}),
    });
  }

  /** Entries with `from <= at < to` (optionally of one customer), oldest first, at most `limit`. */
  async query(from: Date, to: Date, limit: number, customerId?: string): Promise<OperatorAuditEntry[]> {
    const range = odata`PartitionKey eq ${PARTITION} and RowKey ge ${from.toISOString()} and RowKey lt ${to.toISOString()}`;
    const filter = customerId ? `${range} and ${odata`customerId eq ${customerId}`}` : range;
    const out: OperatorAuditEntry[] = [];
    for await (const e of this.table.listEntities<OperatorAuditEntity>({ queryOptions: { filter } })) {
      out.push({
        at: e.at,
        principalId: e.principalId,
        principalName: e.principalName,
        action: e.action,
        method: e.method,
        customerId: e.customerId,
        status: Number(e.status),
        ...(e.code ? { code: e.code } : {}),
      });
      if (out.length >= limit) break;
    }
    return out;
  }
}
