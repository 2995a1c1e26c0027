import { describe, expect, it } from 'vitest';
import type { WindowSnapshot } from '../../lib/collect/keep-best-snapshot';
import type { Datapoint } from '../../lib/metrics/datapoint';
import { findProvisionalResources, mergeSettledPoints } from '../../lib/settle/merge-settled-points';
import { settleReadAt } from '../../lib/settle/plan-settle-read';

const vm = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';
const fabric = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Fabric/capacities/f1';
const point = (minute: number, average: number, provisional = false): Datapoint => ({
  resourceId: vm,
  metric: 'Percentage CPU',
  timestamp: `2026-11-23T09:${String(minute).padStart(2, '0')}:00Z`,
  interval: 'PT5M',
  average,
  ...(provisional ? { provisional: true } : {}),
});

const kept: WindowSnapshot = {
  schema: 1,
  runId: 'run-1',
  resources: [
    {
      resourceId: vm,
      runId: 'run-1',
      state: { state: 'Running', location: 'westeurope' },
      datapoints: [point(45, 10), point(50, 11, true), point(55, 4, true)],
      error: null,
    },
    { resourceId: fabric, runId: 'run-1', state: { state: 'Active' }, datapoints: [], error: null },
  ],
};

describe('findProvisionalResources', () => {
  it('names the resources with provisional points and the region they were read in', () => {
    expect(findProvisionalResources(kept)).toEqual([{ resourceId: vm, location: 'westeurope', provisional: 2 }]);
    expect(findProvisionalResources(undefined)).toEqual([]);
  });
});

describe('mergeSettledPoints', () => {
  it('replaces re-read points and keeps everything else the run recorded', () => {
    const { snapshot, changed } = mergeSettledPoints(kept, new Map([[vm, [point(50, 12), point(55, 13)]]]));
    expect(changed).toBe(true);
    const merged = snapshot.resources.find((r) => r.resourceId === vm)!;
    expect(merged.datapoints).toEqual([point(45, 10), point(50, 12), point(55, 13)]);
    expect(merged['state']).toEqual({ state: 'Running', location: 'westeurope' });
    expect(snapshot.runId).toBe('run-1');
    expect(snapshot.resources.map((r) => r.resourceId).sort()).toEqual([fabric, vm].sort());
    expect(findProvisionalResources(snapshot)).toEqual([]);
  });

  it('keeps the kept reading when the re-read holds fewer settled points', () => {
    const worse = new Map([[vm, [point(45, 10, true)]]]);
    expect(mergeSettledPoints(kept, worse).changed).toBe(false);
    expect(mergeSettledPoints(kept, new Map()).changed).toBe(false);
  });
});

describe('settleReadAt', () => {
  it('waits for the longest ingestion delay of any source and a 2-minute margin', () => {
    const end = new Date('2026-11-23T10:00:00Z');
    const sources = {
      azureMonitor: { lookBackMs: 20 * 60_000, ingestionDelayMs: 10 * 60_000 },
      other: { lookBackMs: 0, ingestionDelayMs: 15 * 60_000 },
    };
    expect(settleReadAt(end, sources).toISOString()).toBe('2026-11-23T10:17:00.000Z');
  });
});
