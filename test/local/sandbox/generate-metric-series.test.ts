import { describe, expect, it } from 'vitest';
import { generateMetricSeries } from '../../../lib/local/sandbox/generate-metric-series';
import { findMetricSpecs, type MetricSpec } from '../../../lib/local/sandbox/metric-catalog';

const VM =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';
const OTHER_VM = VM.replace('vm1', 'vm2');

function spec(type: string, name: string): MetricSpec {
  const found = findMetricSpecs(type).find((s) => s.name === name);
  if (!found) throw new Error(`no metric ${name}`);
  return found;
}

const day = { start: new Date('2026-03-02T00:00:00Z'), end: new Date('2026-03-03T00:00:00Z') };

describe('generateMetricSeries', () => {
  it('makes one point per interval inside the timespan, aligned to the interval', () => {
    const points = generateMetricSeries({
      resourceId: VM,
      spec: spec('Microsoft.Compute/virtualMachines', 'Percentage CPU'),
      start: new Date('2026-03-02T09:02:00Z'),
      end: new Date('2026-03-02T10:00:00Z'),
      intervalMs: 15 * 60_000,
      aggregations: ['Average'],
    });
    expect(points.map((p) => p.timeStamp)).toEqual([
      '2026-03-02T09:00:00Z',
      '2026-03-02T09:15:00Z',
      '2026-03-02T09:30:00Z',
      '2026-03-02T09:45:00Z',
    ]);
    expect(Object.keys(points[0] ?? {})).toEqual(['timeStamp', 'average']);
  });

  it('keeps Percentage CPU between 5 and 90 and follows a daily cycle', () => {
    const points = generateMetricSeries({
      resourceId: VM,
      spec: spec('Microsoft.Compute/virtualMachines', 'Percentage CPU'),
      ...day,
      intervalMs: 3_600_000,
      aggregations: ['Average', 'Minimum', 'Maximum'],
    });
    expect(points).toHaveLength(24);
    for (const p of points) {
      expect(p.minimum).toBeGreaterThanOrEqual(5);
      expect(p.maximum).toBeLessThanOrEqual(90);
      expect(p.minimum).toBeLessThanOrEqual(p.average ?? -1);
      expect(p.average).toBeLessThanOrEqual(p.maximum ?? -1);
    }
    const averageAt = (hour: number) => points[hour]?.average ?? NaN;
    // Afternoon peak (15:00 UTC) is clearly above the night trough (03:00 UTC).
    expect(averageAt(15) - averageAt(3)).toBeGreaterThan(20);
  });

  it('is deterministic per resource, metric and time, and differs between resources', () => {
    const request = {
      spec: spec('Microsoft.Compute/virtualMachines', 'Percentage CPU'),
      ...day,
      intervalMs: 300_000,
      aggregations: ['Average' as const],
    };
    const a = generateMetricSeries({ resourceId: VM, ...request });
    expect(generateMetricSeries({ resourceId: VM, ...request })).toEqual(a);
    expect(generateMetricSeries({ resourceId: VM.toUpperCase(), ...request })).toEqual(a);
    expect(generateMetricSeries({ resourceId: OTHER_VM, ...request })).not.toEqual(a);
  });

  it('agrees between overlapping windows', () => {
    const base = {
      resourceId: VM,
      spec: spec('Microsoft.Compute/virtualMachines', 'Percentage CPU'),
      intervalMs: 300_000,
      aggregations: ['Maximum' as const],
    };
    const wide = generateMetricSeries({ ...base, ...day });
    const narrow = generateMetricSeries({
      ...base,
      start: new Date('2026-03-02T10:00:00Z'),
      end: new Date('2026-03-02T11:00:00Z'),
    });
    expect(wide.filter((p) => p.timeStamp >= '2026-03-02T10:00:00Z' && p.timeStamp < '2026-03-02T11:00:00Z')).toEqual(
      narrow,
    );
  });

  it('makes overload_metric mostly 0 with rare 1s', () => {
    const points = generateMetricSeries({
      resourceId: VM,
      spec: spec('Microsoft.PowerBIDedicated/capacities', 'overload_metric'),
      start: day.start,
      end: new Date(day.start.getTime() + 7 * 86_400_000),
      intervalMs: 60_000,
      aggregations: ['Maximum'],
    });
    const ones = points.filter((p) => p.maximum === 1).length;
    expect(points.every((p) => p.maximum === 0 || p.maximum === 1)).toBe(true);
    expect(ones).toBeGreaterThan(0);
    expect(ones / points.length).toBeLessThan(0.05);
  });

  it('reports capacity in whole bytes and counts one sample per minute', () => {
    const points = generateMetricSeries({
      resourceId: VM,
      spec: spec('Microsoft.Storage/storageAccounts', 'UsedCapacity'),
      ...day,
      intervalMs: 3_600_000,
      aggregations: ['Average', 'Count'],
    });
    expect(points.every((p) => Number.isInteger(p.average) && (p.average ?? 0) > 1e10)).toBe(true);
    expect(points[0]?.count).toBe(60);
  });

  it('publishes no metrics for Fabric capacities', () => {
    expect(findMetricSpecs('Microsoft.Fabric/capacities')).toEqual([]);
  });

  it('models ingestion delay: empty newest slots, and a last hourly bucket that fills up as the clock advances', () => {
    const storage = VM.replace('Microsoft.Compute/virtualMachines/vm1', 'Microsoft.Storage/storageAccounts/st1');
    const hour = { start: new Date('2026-03-02T09:00:00Z'), end: new Date('2026-03-02T11:00:00Z') };
    const read = (now: string | undefined) =>
      generateMetricSeries({
        resourceId: storage,
        spec: spec('Microsoft.Storage/storageAccounts', 'Transactions'),
        ...hour,
        intervalMs: 3_600_000,
        aggregations: ['Total', 'Count'],
        ...(now ? { ingestion: { now: new Date(now), delayMs: 180_000 } } : {}),
      });
    const complete = read(undefined);
    const early = read('2026-03-02T10:20:00Z');
    const later = read('2026-03-02T10:50:00Z');
    const settled = read('2026-03-02T11:20:00Z');
    // 09:00 is long closed at 10:20 (even its late minutes are in): it equals the fully ingested bucket.
    expect(early[0]).toEqual(complete[0]);
    // 10:00 is partly filled and grows: count and total rise, then equal the complete bucket.
    expect(early[1]!.count!).toBeGreaterThan(0);
    expect(early[1]!.count!).toBeLessThan(later[1]!.count!);
    expect(later[1]!.total!).toBeLessThan(complete[1]!.total!);
    expect(settled).toEqual(complete);
  });

  it('answers a slot whose minutes have not arrived with its timestamp only', () => {
    const points = generateMetricSeries({
      resourceId: VM,
      spec: spec('Microsoft.Compute/virtualMachines', 'Percentage CPU'),
      start: new Date('2026-03-02T09:00:00Z'),
      end: new Date('2026-03-02T10:00:00Z'),
      intervalMs: 5 * 60_000,
      aggregations: ['Average', 'Maximum'],
      ingestion: { now: new Date('2026-03-02T09:58:30Z'), delayMs: 180_000 },
    });
    expect(points).toHaveLength(12);
    expect(points.at(-1)).toEqual({ timeStamp: '2026-03-02T09:55:00Z' });
    expect(points[0]).toHaveProperty('average');
  });

  it('gives each value of a dimension its own level, and the unsplit series their sum', () => {
    const blobCount = spec('Microsoft.Storage/storageAccounts/blobServices', 'BlobCount');
    const at = (dimensionValues?: Record<string, string>) =>
      generateMetricSeries({
        resourceId: VM,
        spec: blobCount,
        start: new Date('2026-03-02T09:00:00Z'),
        end: new Date('2026-03-02T10:00:00Z'),
        intervalMs: 3_600_000,
        aggregations: ['Average'],
        ...(dimensionValues ? { dimensionValues } : {}),
      })[0]?.average;
    expect([at({ Tier: 'Hot' }), at({ Tier: 'Standard' }), at({ Tier: 'Cool' }), at()]).toEqual([7, 2, 0, 9]);
  });
});
