import type { CustomerStatus } from '../store/customer-status-store';

/** A customer's collection health, derived from its recent runs. */
export type HealthState = 'healthy' | 'actionRequired' | 'degraded' | 'failing' | 'stale' | 'unknown';
/** How close the customer's Key Vault secret is to expiring. */
export type SecretExpiryLevel = 'ok' | 'warning' | 'critical' | 'none';

/** Consecutive failed windows after which a customer is degraded: any failed window is missing data. */
export const DEGRADED_AFTER_FAILURES = 1;
/** Consecutive failed windows after which a customer is failing. */
export const FAILING_AFTER_FAILURES = 5;
/** Schedule intervals without a success after which a customer is stale. */
export const STALE_AFTER_INTERVALS = 2;
/** Days before expiry at which a secret is a warning. */
export const EXPIRY_WARNING_DAYS = 30;
/** Days before expiry at which a secret is critical. */
export const EXPIRY_CRITICAL_DAYS = 7;

const DAY_MS = 86_400_000;

export interface HealthInput {
  readonly status?: CustomerStatus;
  /**
   * The secret's `expiresOn`: a Date, `null` for a secret without an expiry date, `undefined`
   * when there is no secret (secretless auth modes) or it could not be read.
   */
  readonly secretExpiresOn?: Date | null;
  readonly now: Date;
  readonly scheduleIntervalMs: number;
}

export interface CustomerHealth {
  readonly state: HealthState;
  /** Who must act, when someone must: `customer` (credentials, roles in their tenant) or `provider`. */
  readonly mustAct?: 'customer' | 'provider';
  /** Why, in a few words, e.g. `customer must act: 1 consecutive failed window: AADSTS7000222`. */
  readonly reason: string;
  /** The error code behind a degraded/failing state, or the expiry code. */
  readonly code?: string;
  readonly consecutiveFailures: number;
  readonly lastSuccessAt?: string;
  readonly secretExpiry: SecretExpiryLevel;
  readonly secretExpiresOn?: string;
  /** Whole days until the secret expires (negative once expired). */
  readonly daysToExpiry?: number;
}

/**
 * The health state machine, one state that never contradicts the last run: `actionRequired` at once when
 * the last window failed permanently (expired, invalid or deleted secret, disabled or missing app, wrong
 * tenant, federated mismatch, missing role: retrying cannot fix it, someone must act); otherwise degraded
 * from the first failed window, failing after 5 in a row, back to healthy on a success; stale when no run
 * succeeded for 2 schedule intervals (the timer or the worker stopped, or every run since was lost).
 * Streaks count windows, not attempts. Secret expiry is a second dimension: warning at ≤30 days,
 * critical at ≤7 (and once expired), and a secret without an expiry date is a warning.
 */
export function computeCustomerHealth(input: HealthInput): CustomerHealth {
  const expiry = secretExpiry(input.secretExpiresOn, input.now);
  const { status } = input;
  if (!status) {
    return { state: 'unknown', reason: 'no run yet', consecutiveFailures: 0, ...expiry };
  }
  const base = {
    consecutiveFailures: status.consecutiveFailures,
    ...(status.lastSuccessAt ? { lastSuccessAt: status.lastSuccessAt } : {}),
    ...expiry,
  };
  const failures = status.consecutiveFailures;
  const failure = `${failures} consecutive failed window${failures === 1 ? '' : 's'}: ${status.errorCode ?? 'unknown error'}`;
  const code = status.errorCode ? { code: status.errorCode } : {};
  if (status.outcome === 'failed' && status.errorClass === 'permanent') {
    const mustAct = status.errorActor === 'customer' ? 'customer' : 'provider';
    return { state: 'actionRequired', mustAct, reason: `${mustAct} must act: ${failure}`, ...code, ...base };
  }
  if (failures >= FAILING_AFTER_FAILURES) return { state: 'failing', reason: failure, ...code, ...base };
  if (failures >= DEGRADED_AFTER_FAILURES) return { state: 'degraded', reason: failure, ...code, ...base };

  const lastGood = status.lastSuccessAt ? Date.parse(status.lastSuccessAt) : undefined;
  const reference = lastGood ?? Date.parse(status.lastAttemptAt);
  const staleAfter = STALE_AFTER_INTERVALS * input.scheduleIntervalMs;
  if (input.now.getTime() - reference > staleAfter) {
    return {
      state: 'stale',
      reason: lastGood
        ? `no successful run since ${status.lastSuccessAt}`
        : `no successful run; last attempt ${status.lastAttemptAt}`,
      code: 'Stale',
      ...base,
    };
  }
  const conditions = capacityConditions(status);
  if (conditions.length > 0) {
    // Collection works, but a Fabric capacity itself needs attention (throttling, high CU, carry-forward, paused).
    const code = conditions[0]?.split(': ')[1];
    return {
      state: 'degraded',
      reason: `last run succeeded; ${conditions.join('; ')}`,
      ...(code ? { code } : {}),
      ...base,
    };
  }
  if (expiry.secretExpiry !== 'ok') {
    const expiryCode = expiry.secretExpiry === 'none' ? 'SecretWithoutExpiry' : 'SecretExpiring';
    return { state: 'healthy', reason: expiryReason(expiry), code: expiryCode, ...base };
  }
  return { state: 'healthy', reason: 'last run succeeded', ...base };
}

/** `fabriccontoso: CapacityThrottling: interactive requests rejected (peak 113 %)` per condition of the last run. */
function capacityConditions(status: CustomerStatus): string[] {
  return (status.resources ?? []).flatMap((r) =>
    (r.conditions ?? []).map((condition) => `${r.resourceId.split('/').pop() ?? r.resourceId}: ${condition}`),
  );
}

function secretExpiry(
  expiresOn: Date | null | undefined,
  now: Date,
): { secretExpiry: SecretExpiryLevel; secretExpiresOn?: string; daysToExpiry?: number } {
  if (expiresOn === undefined) return { secretExpiry: 'ok' };
  if (expiresOn === null) return { secretExpiry: 'none' };
  const daysToExpiry = Math.floor((expiresOn.getTime() - now.getTime()) / DAY_MS);
  const level: SecretExpiryLevel =
    daysToExpiry <= EXPIRY_CRITICAL_DAYS ? 'critical' : daysToExpiry <= EXPIRY_WARNING_DAYS ? 'warning' : 'ok';
  return { secretExpiry: level, secretExpiresOn: expiresOn.toISOString(), daysToExpiry };
}

function expiryReason(expiry: { secretExpiry: SecretExpiryLevel; daysToExpiry?: number }): string {
  if (expiry.secretExpiry === 'none') return 'last run succeeded; the secret has no expiry date';
  const days = expiry.daysToExpiry ?? 0;
  return days < 0
    ? `last run succeeded; the secret expired ${-days} day(s) ago`
    : `last run succeeded; the secret expires in ${days} day(s)`;
}
