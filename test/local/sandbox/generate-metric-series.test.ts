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
});
