import { describe, expect, it } from 'vitest';
import { closedWindow, scheduleIntervalMs } from '../../lib/collect/closed-window';

describe('closedWindow', () => {
  it('gives the previous full hour when the hourly timer fires on time', () => {
    const w = closedWindow('0 0 * * * *', new Date('2026-11-22T10:00:00.000Z'));
    expect(w.start.toISOString()).toBe('2026-11-22T09:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });

  it('gives the same window when the timer fires late', () => {
    const w = closedWindow('0 0 * * * *', new Date('2026-11-22T10:07:31.250Z'));
    expect(w.start.toISOString()).toBe('2026-11-22T09:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });

  it('follows other schedules, e.g. every 15 minutes', () => {
    const w = closedWindow('0 */15 * * * *', new Date('2026-11-22T10:16:00Z'));
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T10:15:00.000Z',
    ]);
    expect(scheduleIntervalMs('0 */15 * * * *', new Date('2026-11-22T10:16:00Z'))).toBe(15 * 60_000);
  });

  it('crosses midnight in UTC', () => {
    const w = closedWindow('0 0 * * * *', new Date('2026-11-23T00:00:05Z'));
    expect(w.start.toISOString()).toBe('2026-11-22T23:00:00.000Z');
  });
});
