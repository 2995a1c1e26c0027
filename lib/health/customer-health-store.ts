import { odata, type TableClient } from '@azure/data-tables';
import { deleteEntityIfExists, findEntity } from '../store/table-entity';
import type { CustomerHealth, HealthState, SecretExpiryLevel } from './compute-customer-health';

/** The last evaluated health of a customer, kept so a change of state can be told from no change. */
export interface StoredHealth extends CustomerHealth {
  readonly customerId: string;
  /** When the state last changed. */
  readonly changedAt: string;
  readonly evaluatedAt: string;
}

const PARTITION = 'health';

type HealthEntity = {
  partitionKey: string;
  rowKey: string;
  state: string;
  reason: string;
  code?: string;
  mustAct?: string;
  consecutiveFailures: number;
  lastSuccessAt?: string;
  secretExpiry: string;
  secretExpiresOn?: string;
  daysToExpiry?: number;
  changedAt: string;
  evaluatedAt: string;
};

/** One row per customer in Table Storage. */
export class CustomerHealthStore {
  constructor(private readonly table: TableClient) {}

  async find(customerId: string): Promise<StoredHealth | undefined> {
    const entity = await findEntity<HealthEntity>(this.table, PARTITION, customerId);
    return entity && fromEntity(entity);
  }

  async list(): Promise<StoredHealth[]> {
    const rows: StoredHealth[] = [];
    const filter = odata`PartitionKey eq ${PARTITION}`;
    for await (const entity of this.table.listEntities<HealthEntity>({ queryOptions: { filter } })) {
      rows.push(fromEntity(entity));
    }
    return rows;
  }

  /** Forgets a customer's health (the customer was removed). */
  async remove(customerId: string): Promise<void> {
    await deleteEntityIfExists(this.table, PARTITION, customerId);
  }

  async put(health: StoredHealth): Promise<void> {
    const { customerId, ...rest } = health;
    await this.table.upsertEntity<HealthEntity>({ partitionKey: PARTITION, rowKey: customerId, ...rest }, 'Replace');
  }
}

function fromEntity(e: HealthEntity): StoredHealth {
  const optional = <K extends 'code' | 'lastSuccessAt' | 'secretExpiresOn'>(key: K) =>
    e[key] !== undefined && e[key] !== null ? { [key]: e[key] } : {};
  return {
    customerId: e.rowKey,
    state: e.state as HealthState,
    reason: e.reason,
    ...optional('code'),
    ...(e.mustAct === 'customer' || e.mustAct === 'provider' ? { mustAct: e.mustAct } : {}),
    consecutiveFailures: Number(e.consecutiveFailures),
    ...optional('lastSuccessAt'),
    secretExpiry: e.secretExpiry as SecretExpiryLevel,
    ...optional('secretExpiresOn'),
    ...(e.daysToExpiry !== undefined && e.daysToExpiry !== null ? { daysToExpiry: Number(e.daysToExpiry) } : {}),
    changedAt: e.changedAt,
    evaluatedAt: e.evaluatedAt,
  };
}
