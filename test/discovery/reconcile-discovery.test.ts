import { describe, expect, it } from 'vitest';
import type { DiscoveryEntry } from '../../lib/discovery/discovery-entry';
import { reconcileDiscovery, VANISHED_RETENTION_DAYS } from '../../lib/discovery/reconcile-discovery';

const SUB = '11111111-0000-4000-8000-000000000001';
const OTHER_SUB = '22222222-0000-4000-8000-000000000002';
const VM = 'microsoft.compute/virtualmachines';
const vmId = (name: string, sub = SUB) =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`;
const found = (name: string, sub = SUB) => ({ id: vmId(name, sub), name, type: VM, location: 'westeurope' });
const entry = (name: string, extra: Partial<DiscoveryEntry> = {}): DiscoveryEntry => ({
  resourceId: vmId(name),
  name,
  type: VM,
  location: 'westeurope',
  firstSeenAt: '2026-11-01T00:00:00.000Z',
  lastSeenAt: '2026-11-20T00:00:00.000Z',
  ...extra,
});
const scope = { subscriptions: [SUB], resourceTypes: ['Microsoft.Compute/virtualMachines'] };
const now = new Date('2026-11-22T09:00:00.000Z');

describe('reconcileDiscovery', () => {
  it('adds new resources and keeps the first-seen time of known ones', () => {
    const result = reconcileDiscovery([entry('vm1')], [found('vm1'), found('vm2')], scope, now);
    expect(result.added.map((e) => e.name)).toEqual(['vm2']);
    expect(result.vanished).toEqual([]);
    const vm1 = result.entries.find((e) => e.name === 'vm1');
    expect(vm1).toMatchObject({ firstSeenAt: '2026-11-01T00:00:00.000Z', lastSeenAt: now.toISOString() });
    expect(vm1?.vanishedAt).toBeUndefined();
  });

  it('matches known resources case-insensitively (ARM IDs are case-insensitive)', () => {
    const upper = { ...found('vm1'), id: vmId('vm1').toUpperCase() };
    const result = reconcileDiscovery([entry('vm1')], [upper], scope, now);
    expect(result.added).toEqual([]);
    expect(result.vanished).toEqual([]);
  });

  it('reports a resource that stopped appearing as vanished once, and silently keeps it afterwards', () => {
    const first = reconcileDiscovery([entry('vm1'), entry('vm2')], [found('vm1')], scope, now);
    expect(first.vanished.map((e) => e.name)).toEqual(['vm2']);
    expect(first.entries.find((e) => e.name === 'vm2')?.vanishedAt).toBe(now.toISOString());

    const later = new Date(now.getTime() + 86_400_000);
    const second = reconcileDiscovery(first.entries, [found('vm1')], scope, later);
    expect(second.vanished).toEqual([]);
    expect(second.entries.find((e) => e.name === 'vm2')?.vanishedAt).toBe(now.toISOString());
  });

  it('treats a vanished resource that reappears as added again', () => {
    const result = reconcileDiscovery(
      [entry('vm2', { vanishedAt: '2026-11-21T00:00:00.000Z' })],
      [found('vm2')],
      scope,
      now,
    );
    expect(result.added.map((e) => e.name)).toEqual(['vm2']);
    expect(result.entries[0]).toMatchObject({ firstSeenAt: now.toISOString() });
    expect(result.entries[0]?.vanishedAt).toBeUndefined();
  });

  it('forgets vanished resources after the retention period', () => {
    const old = new Date(now.getTime() - (VANISHED_RETENTION_DAYS + 1) * 86_400_000).toISOString();
    const result = reconcileDiscovery([entry('vm2', { vanishedAt: old })], [], scope, now);
    expect(result.entries).toEqual([]);
    expect(result.removed.map((e) => e.name)).toEqual(['vm2']);
  });

  it('drops resources outside a narrowed scope without reporting them as vanished', () => {
    const elsewhere = { ...entry('vm9'), resourceId: vmId('vm9', OTHER_SUB) };
    const result = reconcileDiscovery([entry('vm1'), elsewhere], [found('vm1')], scope, now);
    expect(result.vanished).toEqual([]);
    expect(result.removed.map((e) => e.name)).toEqual(['vm9']);
  });
});
