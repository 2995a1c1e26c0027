import { describe, expect, it } from 'vitest';
import { checkCollectMessage, checkRunOwnership } from '../../lib/collect/check-collect-message';
import type { CollectMessage } from '../../lib/collect/collect-message';
import type { RunRecord } from '../../lib/store/run-store';

const HOURLY = '0 0 * * * *';
const now = new Date('2026-11-22T10:00:05.000Z');
const rules = { schedule: HOURLY, now, retentionDays: 93 };
const message = (windowStart: string, windowEnd: string, runId = '20261122T0800Z-abcdef01'): CollectMessage => ({
  version: 1,
  runId,
  customerId: 'contoso',
  windowStart,
  windowEnd,
  trigger: 'schedule',
});

describe('checkCollectMessage', () => {
  it('accepts one interval of the schedule that has closed', () => {
    expect(checkCollectMessage(message('2026-11-22T09:00:00.000Z', '2026-11-22T10:00:00.000Z'), rules)).toBeUndefined();
    expect(checkCollectMessage(message('2026-08-22T09:00:00.000Z', '2026-08-22T10:00:00.000Z'), rules)).toBeUndefined();
  });

  it('refuses a window that is not one schedule interval: shifted, two hours, or on another schedule', () => {
    const codes = [
      message('2026-11-22T08:30:00.000Z', '2026-11-22T09:30:00.000Z'),
      message('2026-11-22T07:00:00.000Z', '2026-11-22T09:00:00.000Z'),
      message('2026-11-22T09:00:00.000Z', '2026-11-22T09:15:00.000Z'),
    ].map((m) => checkCollectMessage(m, rules)?.code);
    expect(codes).toEqual(['WindowNotAligned', 'WindowNotAligned', 'WindowNotAligned']);
    const quarterHourly = { ...rules, schedule: '0 */15 * * * *' };
    expect(
      checkCollectMessage(message('2026-11-22T09:00:00.000Z', '2026-11-22T09:15:00.000Z'), quarterHourly),
    ).toBeUndefined();
  });

  it('refuses a window that has not closed yet', () => {
    const error = checkCollectMessage(message('2026-11-22T10:00:00.000Z', '2026-11-22T11:00:00.000Z'), rules);
    expect(error).toMatchObject({ kind: 'validation', code: 'WindowInFuture' });
  });

  it('refuses a window older than retention (Azure Monitor no longer has it)', () => {
    const error = checkCollectMessage(message('2026-08-20T09:00:00.000Z', '2026-08-20T10:00:00.000Z'), rules);
    expect(error?.code).toBe('WindowBeyondRetention');
    expect(error?.message).toContain('93-day retention');
  });
});

describe('checkRunOwnership', () => {
  const record: RunRecord = {
    runId: '20261122T0800Z-abcdef01',
    customerId: 'contoso',
    trigger: 'schedule',
    windowStart: '2026-11-22T08:00:00.000Z',
    windowEnd: '2026-11-22T09:00:00.000Z',
    status: 'succeeded',
    updatedAt: '2026-11-22T09:01:00.000Z',
  };

  it('lets a redelivery of the same run and window through (at-least-once delivery)', () => {
    expect(checkRunOwnership(message(record.windowStart, record.windowEnd), record)).toBeUndefined();
    expect(checkRunOwnership(message(record.windowStart, record.windowEnd), undefined)).toBeUndefined();
  });

  it("refuses a message that would overwrite another window's run record", () => {
    const error = checkRunOwnership(message('2026-11-22T06:00:00.000Z', '2026-11-22T07:00:00.000Z'), record);
    expect(error).toMatchObject({ kind: 'validation', code: 'RunRecordConflict' });
  });
});
