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
    ...(consecutiveFailures > 0 ? { errorCode: 'AADSTS7000222' } : {}),
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
  it('walks healthy → degraded at 3 failures → failing at 5, and back to healthy on success', () => {
    const states = [0, 1, 2, 3, 4, 5, 6, 0].map((n) => health(status(n)).state);
    expect(states).toEqual(['healthy', 'healthy', 'healthy', 'degraded', 'degraded', 'failing', 'failing', 'healthy']);
  });

  it('names the failure streak and its code as the reason', () => {
    expect(health(status(5))).toMatchObject({
      reason: '5 consecutive failed runs: AADSTS7000222',
      code: 'AADSTS7000222',
    });
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
