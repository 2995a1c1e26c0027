import { scheduleIntervalMs } from '../collect/closed-window';
import type { Customer } from '../customers/customer';
import type { CustomerRegistry } from '../customers/customer-registry';
import type { CustomerStatus, CustomerStatusStore } from '../store/customer-status-store';
import { computeCustomerHealth, type CustomerHealth } from './compute-customer-health';
import type { CustomerHealthStore, StoredHealth } from './customer-health-store';

/** One row of `GET /api/health`. */
export interface CustomerHealthRow extends CustomerHealth {
  readonly customerId: string;
  readonly displayName: string;
  readonly enabled: boolean;
  /** When the stored state last changed (absent before the first evaluation). */
  readonly changedAt?: string;
}

export interface HealthReport {
  readonly evaluatedAt: string;
  /** How many customers are in each state. */
  readonly counts: Readonly<Record<string, number>>;
  readonly customers: readonly CustomerHealthRow[];
}

export interface HealthReadDependencies {
  readonly registry: CustomerRegistry;
  readonly statuses: CustomerStatusStore;
  readonly health: CustomerHealthStore;
  readonly config: { readonly collectSchedule: string };
  readonly now: () => Date;
}

/**
 * Every customer's health as of now. Computed from the stored run status (so `stale` shows even
 * between sweeps) and the secret expiry recorded at the last evaluation; it reads no Key Vault and
 * changes nothing, so it is safe to poll.
 */
export async function listCustomerHealth(deps: HealthReadDependencies): Promise<HealthReport> {
  const now = deps.now();
  const [customers, statuses, stored] = await Promise.all([
    deps.registry.list(),
    deps.statuses.list(),
    deps.health.list(),
  ]);
  const rows = computeHealthRows(
    customers,
    statuses,
    stored,
    now,
    scheduleIntervalMs(deps.config.collectSchedule, now),
  );
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
  return { evaluatedAt: now.toISOString(), counts, customers: rows };
}

/**
 * Health rows from what the caller already read (the dashboard reads the same three tables): the
 * one place the state is computed for display, so the page, `GET /api/health` and `ctc health` agree.
 */
export function computeHealthRows(
  customers: readonly Customer[],
  statuses: readonly CustomerStatus[],
  stored: readonly StoredHealth[],
  now: Date,
  interval: number,
): CustomerHealthRow[] {
  const statusById = new Map(statuses.map((s) => [s.customerId, s]));
  const storedById = new Map(stored.map((h) => [h.customerId, h]));
  return customers.map((customer): CustomerHealthRow => {
    const status = statusById.get(customer.id);
    const previous = storedById.get(customer.id);
    const secretExpiresOn =
      previous?.secretExpiry === 'none'
        ? null
        : previous?.secretExpiresOn
          ? new Date(previous.secretExpiresOn)
          : undefined;
    const health = computeCustomerHealth({
      ...(status ? { status } : {}),
      ...(secretExpiresOn !== undefined ? { secretExpiresOn } : {}),
      now,
      scheduleIntervalMs: interval,
    });
    return {
      customerId: customer.id,
      displayName: customer.displayName,
      enabled: customer.enabled,
      ...health,
      ...(previous ? { changedAt: previous.changedAt } : {}),
    };
  });
}
