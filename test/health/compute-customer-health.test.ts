import { describe, expect, it } from 'vitest';
import { computeCustomerHealth } from '../../lib/health/compute-customer-health';
import type { CustomerStatus } from '../../lib/store/customer-status-store';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date('2026-11-22T10:05:00Z');

function status(consecutiveFailures: number, overrides: Partial<CustomerStatus> = {}): CustomerStatus {
  return {
    customerId: 'c',
    lastRunId: 'r',
    lastWindowStart: '2026-11-22T09:00:00Z',
    lastWindowEnd: '2026-11-22T10:00:00Z',
    lastAttemptAt: '2026-11-22T10:00:30Z',
    lastSuccessAt: '2026-11-22T10:00:30Z',
    outcome: consecutiveFailures > 0 ? 'failed' : 'ok',
    ...(consecutiveFailures > 0 ? { errorCode: 'Throttled', errorClass: 'transient', errorActor: 'nobody' } : {}),
    datapointsWritten: 0,
    consecutiveFailures,
    resources: [],
    ...overrides,
  };
}
const health = (s: CustomerStatus | undefined, secretExpiresOn?: Date | null) =>
  computeCustomerHealth({
    ...(s ? { status: s } : {}),
    ...(secretExpiresOn !== undefined ? { secretExpiresOn } : {}),
    now,
    scheduleIntervalMs: HOUR,
  });

describe('computeCustomerHealth', () => {
  it('walks healthy → degraded at the first failed window → failing at 5, and back to healthy on success', () => {
    const states = [0, 1, 2, 3, 4, 5, 6, 0].map((n) => health(status(n)).state);
    expect(states).toEqual([
      'healthy',
      'degraded',
      'degraded',
      'degraded',
      'degraded',
      'failing',
      'failing',
      'healthy',
    ]);
  });

  it('names the failure streak and its code as the reason', () => {
    expect(health(status(5))).toMatchObject({
      reason: '5 consecutive failed windows: Throttled',
      code: 'Throttled',
    });
  });

  it('says the customer must act at once on a permanent credential failure, whatever the streak', () => {
    const expired = { errorCode: 'AADSTS7000222', errorClass: 'permanent', errorActor: 'customer' };
    for (const n of [1, 2, 6]) {
      expect(health(status(n, expired))).toMatchObject({
        state: 'actionRequired',
        mustAct: 'customer',
        code: 'AADSTS7000222',
        reason: `customer must act: ${n} consecutive failed window${n === 1 ? '' : 's'}: AADSTS7000222`,
      });
    }
    const vault = { errorCode: 'KeyVaultForbidden', errorClass: 'permanent', errorActor: 'provider' };
    expect(health(status(1, vault))).toMatchObject({ state: 'actionRequired', mustAct: 'provider' });
    // Stale or not, the fix is what matters.
    expect(health(status(1, { ...expired, lastSuccessAt: '2026-11-01T00:00:00Z' })).state).toBe('actionRequired');
  });

  it('never shows a failed last window as healthy (no "Healthy" beside "Last run failed")', () => {
    for (const errorClass of ['transient', 'unknown', 'permanent']) {
      expect(health(status(1, { errorClass })).state).not.toBe('healthy');
    }
  });

  it('is stale when no run succeeded for two schedule intervals', () => {
    const old = status(0, { lastSuccessAt: '2026-11-22T08:00:00Z', lastAttemptAt: '2026-11-22T08:00:00Z' });
    expect(health(old)).toMatchObject({
      state: 'stale',
      code: 'Stale',
      reason: 'no successful run since 2026-11-22T08:00:00Z',
    });
    const recent = status(0, { lastSuccessAt: '2026-11-22T08:10:00Z' });
    expect(health(recent).state).toBe('healthy');
  });

  it('keeps failing ahead of stale', () => {
    expect(health(status(5, { lastSuccessAt: '2026-11-01T00:00:00Z' })).state).toBe('failing');
  });

  it('is unknown before the first run', () => {
    expect(health(undefined)).toMatchObject({ state: 'unknown', reason: 'no run yet' });
  });

  it('warns at ≤30 days to secret expiry, is critical at ≤7, and warns for a secret without expiry', () => {
    expect(health(status(0), new Date(now.getTime() + 60 * DAY))).toMatchObject({
      secretExpiry: 'ok',
      daysToExpiry: 60,
    });
    expect(health(status(0), new Date(now.getTime() + 30 * DAY + HOUR))).toMatchObject({
      state: 'healthy',
      secretExpiry: 'warning',
      daysToExpiry: 30,
      code: 'SecretExpiring',
      reason: 'last run succeeded; the secret expires in 30 day(s)',
    });
    expect(health(status(0), new Date(now.getTime() + 7 * DAY + HOUR))).toMatchObject({
      secretExpiry: 'critical',
      daysToExpiry: 7,
    });
    expect(health(status(0), new Date(now.getTime() - 3 * DAY))).toMatchObject({
      secretExpiry: 'critical',
      daysToExpiry: -3,
    });
    expect(health(status(0), null)).toMatchObject({ secretExpiry: 'none', code: 'SecretWithoutExpiry' });
  });
});
