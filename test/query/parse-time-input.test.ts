import { describe, expect, it } from 'vitest';
import { parseRelativeDuration, parseTimeInput } from '../../lib/query/parse-time-input';

const now = new Date('2026-11-22T10:00:00Z');

describe('parseTimeInput', () => {
  it.each([
    ['24h', '2026-11-21T10:00:00.000Z'],
    ['7d', '2026-11-15T10:00:00.000Z'],
    ['-30m', '2026-11-22T09:30:00.000Z'],
    ['2w', '2026-11-08T10:00:00.000Z'],
    ['now', '2026-11-22T10:00:00.000Z'],
    ['2026-11-20T08:15:00Z', '2026-11-20T08:15:00.000Z'],
    ['2026-11-20T08:15:00+02:00', '2026-11-20T06:15:00.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
  ])('reads %s', (input, expected) => {
    expect(parseTimeInput(input, now, 'from').toISOString()).toBe(expected);
  });

  it.each(['yesterday', '24', '2026-11-20T08:15:00', '2026-13-45', '', '5y'])(
    'refuses %j naming the parameter',
    (input) => {
      expect(() => parseTimeInput(input, now, 'from')).toThrow(/"from" must be an ISO 8601 instant/);
    },
  );
});

describe('parseRelativeDuration', () => {
  it('reads durations in milliseconds and refuses instants', () => {
    expect(parseRelativeDuration('24h', 'window')).toBe(86_400_000);
    expect(() => parseRelativeDuration('2026-01-01', 'window')).toThrow(/"window" must be a duration/);
  });
});
