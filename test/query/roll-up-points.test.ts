import { describe, expect, it } from 'vitest';
import { rollUpPoints } from '../../lib/query/roll-up-points';

describe('rollUpPoints', () => {
  const points = [
    { timestamp: '2026-11-22T09:00:00Z', minimum: 1, average: 2, maximum: 3 },
    { timestamp: '2026-11-22T09:05:00Z', minimum: 0.5, average: 4, maximum: 9 },
    { timestamp: '2026-11-22T10:10:00Z', average: 7 },
  ];

  it('combines min of minimums, mean of averages and max of maximums per UTC hour', () => {
    expect(rollUpPoints(points, 'PT1H')).toEqual([
      { timestamp: '2026-11-22T09:00:00Z', minimum: 0.5, average: 3, maximum: 9 },
      { timestamp: '2026-11-22T10:00:00Z', minimum: 7, average: 7, maximum: 7 },
    ]);
  });

  it('sums totals and counts, and puts a whole day in one P1D bucket', () => {
    const rolled = rollUpPoints(
      [
        { timestamp: '2026-11-22T00:00:00Z', total: 10, count: 2 },
        { timestamp: '2026-11-22T23:00:00Z', total: 5, count: 1 },
      ],
      'P1D',
    );
    expect(rolled).toEqual([{ timestamp: '2026-11-22T00:00:00Z', total: 15, count: 3 }]);
  });

  it('keeps 5-minute points as they are at PT5M', () => {
    expect(rollUpPoints(points.slice(0, 2), 'PT5M').map((p) => p.average)).toEqual([2, 4]);
  });
});
