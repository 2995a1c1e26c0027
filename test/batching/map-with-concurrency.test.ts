import { describe, expect, it } from 'vitest';
import { chunk } from '../../lib/batching/chunk';
import { mapWithConcurrency } from '../../lib/batching/map-with-concurrency';

describe('mapWithConcurrency', () => {
  it('never runs more than the limit at once and keeps input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([50, 10, 40, 20, 30]);
  });

  it('settles every item even when some fail', async () => {
    const results = await mapWithConcurrency(['a', 'b', 'c'], 3, async (s) => {
      if (s === 'b') throw new Error('boom');
      return s;
    });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('chunk', () => {
  it('splits into slices of at most the size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 20)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
