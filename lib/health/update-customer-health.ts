import { needsKeyVaultSecret } from '../auth/needs-key-vault-secret';
import type { CustomerSecretReader } from '../auth/customer-secret-reader';
import { mapWithConcurrency } from '../batching/map-with-concurrency';
import { scheduleIntervalMs } from '../collect/closed-window';
import type { Customer } from '../customers/customer';
import type { CustomerRegistry } from '../customers/customer-registry';
import type { Logger } from '../logging/logger';
import type { CustomerStatus, CustomerStatusStore } from '../store/customer-status-store';
import { computeCustomerHealth } from './compute-customer-health';
import type { CustomerHealthStore, StoredHealth } from './customer-health-store';
import { describeError } from '../logging/describe-error';
import type { LogsExport } from '../export/logs-export';
import { toHealthChange } from '../export/to-health-change';

/** Customers evaluated in parallel by the timer's sweep (a few table reads each). */
const SWEEP_CONCURRENCY = 8;

/** The log message every health change carries: Application Insights alerts key on it. */
export const HEALTH_CHANGED_EVENT = 'CustomerHealthChanged';

export interface HealthDependencies {
  readonly registry: CustomerRegistry;
  readonly statuses: CustomerStatusStore;
  readonly secrets: CustomerSecretReader;
  readonly health: CustomerHealthStore;
  readonly config: { readonly collectSchedule: string };
  readonly now: () => Date;
  /** The analytics export, when configured: every change also becomes a `CtcHealth_CL` row. */
  readonly analytics?: Pick<LogsExport, 'exportHealthChange'>;
}

/**
 * Re-evaluates one customer's health after a run (or on the timer, which catches stale customers whose
 * runs stopped), stores it, and emits exactly one structured `CustomerHealthChanged` event when the
 * state or the secret-expiry level changed. The secret's expiry comes from the secret reader's cache
 * (the run just read it); without a fresh read (the timer's sweep) the last recorded expiry stands.
 * It never calls Key Vault itself, so the sweep brings no secret value into its process. `recorded` is the
 * status row the run just wrote, when the caller has it (saves reading it back).
 */
export async function updateCustomerHealth(
  deps: HealthDependencies,
  customer: Customer,
  log: Logger,
  recorded?: CustomerStatus,
): Promise<StoredHealth> {
  const now = deps.now();
  const [status, previous] = await Promise.all([
    recorded ?? deps.statuses.find(customer.id),
    deps.health.find(customer.id),
  ]);
  const secretExpiresOn = secretExpiry(deps.secrets, customer, previous);
  const health = computeCustomerHealth({
    ...(status ? { status } : {}),
    ...(secretExpiresOn !== undefined ? { secretExpiresOn } : {}),
    now,
    scheduleIntervalMs: scheduleIntervalMs(deps.config.collectSchedule, now),
  });
  // A customer seen for the first time starts out `unknown`; recording that is not a change worth an event.
  const changed = previous
    ? previous.state !== health.state || previous.secretExpiry !== health.secretExpiry
    : health.state !== 'unknown';
  const stored: StoredHealth = {
    customerId: customer.id,
    ...health,
    changedAt: changed || !previous ? now.toISOString() : previous.changedAt,
    evaluatedAt: now.toISOString(),
  };
  await deps.health.put(stored);
  if (changed) {
    const from = previous?.state ?? 'unknown';
    const level =
      health.state === 'failing' || health.secretExpiry === 'critical'
        ? 'error'
        : health.state === 'healthy' && health.secretExpiry === 'ok'
          ? 'info'
          : 'warn';
    log[level](`${HEALTH_CHANGED_EVENT}: ${customer.id} ${from} -> ${health.state} (${health.reason})`, {
      event: HEALTH_CHANGED_EVENT,
      customerId: customer.id,
      oldState: from,
      newState: health.state,
      code: health.code,
      reason: health.reason,
      oldSecretExpiry: previous?.secretExpiry,
      secretExpiry: health.secretExpiry,
      daysToExpiry: health.daysToExpiry,
    });
    await deps.analytics?.exportHealthChange(toHealthChange(stored, from), log);
  }
  return stored;
}

/**
 * The same, but it never throws: health bookkeeping must not fail (and so retry) a collection.
 * @returns the new health, or undefined when it could not be evaluated (logged).
 */
export async function updateCustomerHealthSafely(
  deps: HealthDependencies,
  customerOrId: Customer | string,
  log: Logger,
  recorded?: CustomerStatus,
): Promise<StoredHealth | undefined> {
  const customerId = typeof customerOrId === 'string' ? customerOrId : customerOrId.id;
  try {
    const customer = typeof customerOrId === 'string' ? await deps.registry.find(customerOrId) : customerOrId;
    if (!customer) return undefined;
    return await updateCustomerHealth(deps, customer, log, recorded);
  } catch (error) {
    log.error(`Health update failed for ${customerId}: ${describeError(error)}`, {
      customerId,
      code: 'HealthUpdateFailed',
    });
    return undefined;
  }
}

/** Updates every enabled customer (the health sweep's timer, which also turns silent customers stale); never throws. */
export async function updateAllCustomerHealth(deps: HealthDependencies, log: Logger): Promise<StoredHealth[]> {
  let customers: Customer[];
  try {
    customers = (await deps.registry.list()).filter((c) => c.enabled);
  } catch (error) {
    log.error(`Health sweep failed: ${describeError(error)}`, { code: 'HealthUpdateFailed' });
    return [];
  }
  const settled = await mapWithConcurrency(customers, SWEEP_CONCURRENCY, (customer) =>
    updateCustomerHealthSafely(deps, customer, log),
  );
  return settled.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
}

/** A fresh read's expiry (null: the secret has none), else what the last evaluation recorded. */
function secretExpiry(
  secrets: CustomerSecretReader,
  customer: Customer,
  previous: StoredHealth | undefined,
): Date | null | undefined {
  if (!needsKeyVaultSecret(customer.authMode)) return undefined;
  const fresh = secrets.cached(customer.secretName);
  if (fresh) return fresh.expiresOn ?? null;
  if (previous?.secretExpiry === 'none') return null;
  return previous?.secretExpiresOn ? new Date(previous.secretExpiresOn) : undefined;
}
