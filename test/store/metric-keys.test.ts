import { describe, expect, it } from 'vitest';
import { toUtcSecond } from '../../lib/metrics/datapoint';
import { metricPartitionKey, metricRowKey, resourceKey } from '../../lib/store/metric-keys';

const VM =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1';

describe('metric keys', () => {
  it('never contains characters Azure Tables forbid in keys', () => {
    const pk = metricPartitionKey('contoso', VM, 'Percentage CPU/with #odd? \\chars');
    expect(pk).not.toMatch(/[/\\#?]/);
    expect(
      [...pk].some((ch) => ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f)),
    ).toBe(false);
    expect(pk.length).toBeLessThan(1024);
  });

  it('treats resource ids case-insensitively, as ARM does', () => {
    expect(resourceKey(VM)).toBe(resourceKey(VM.toUpperCase()));
    expect(resourceKey(VM)).not.toBe(resourceKey(VM.replace('vm-1', 'vm-2')));
  });

  it('separates customers, resources and metrics into distinct partitions', () => {
    const keys = new Set([
      metricPartitionKey('contoso', VM, 'Percentage CPU'),
      metricPartitionKey('fabrikam', VM, 'Percentage CPU'),
      metricPartitionKey('contoso', VM, 'Available Memory Bytes'),
    ]);
    expect(keys.size).toBe(3);
  });

  it('makes row keys that sort in time order whatever the input format', () => {
    expect(metricRowKey('2026-11-22T09:05:00.000Z')).toBe('2026-11-22T09:05:00Z');
    expect(metricRowKey(new Date('2026-11-22T09:05:00+01:00'))).toBe('2026-11-22T08:05:00Z');
    const keys = ['2026-11-22T10:00:00Z', '2026-11-22T09:55:00Z', '2026-11-21T23:00:00Z'].map((t) => metricRowKey(t));
    expect([...keys].sort()).toEqual([keys[2], keys[1], keys[0]]);
  });

  it('rejects something that is not a time', () => {
    expect(() => toUtcSecond('tomorrow')).toThrow(RangeError);
    expect(() => toUtcSecond('tomorrow')).toThrow(RangeError);
    expect(() => toUtcSecond(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('gives the same keys when asked again (recent answers are remembered), for any number of inputs', () => {
    const instants = Array.from({ length: 3000 }, (_, i) => new Date(Date.UTC(2026, 10, 22) + i * 60_000));
    const first = instants.map((d) => toUtcSecond(d));
    const again = instants.map((d) => toUtcSecond(new Date(d.getTime())));
    expect(again).toEqual(first);
    expect(first[61]).toBe('2026-11-22T01:01:00Z');
    expect(toUtcSecond('2026-11-22T01:01:00.000Z')).toBe('2026-11-22T01:01:00Z');
    expect(toUtcSecond('2026-11-22T02:01:00+01:00')).toBe('2026-11-22T01:01:00Z');
    const ids = Array.from({ length: 5000 }, (_, i) => VM.replace('vm-1', `vm-${i}`));
    const keys = ids.map(resourceKey);
    expect(new Set(keys).size).toBe(ids.length);
    expect(ids.map((id) => resourceKey(id.toUpperCase()))).toEqual(keys);
  });
});
