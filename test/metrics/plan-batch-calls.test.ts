import { describe, expect, it } from 'vitest';
import type { ResourceTarget } from '../../lib/customers/customer';
import { MAX_BATCH_RESOURCES, planBatchCalls, type BatchTarget } from '../../lib/metrics/read-batch-metrics';

const SUB_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const SUB_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const vm = (sub: string, n: number): ResourceTarget => ({
  resourceId: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${n}`,
  metrics: ['Percentage CPU', 'Network In Total'],
  aggregations: ['Average', 'Maximum'],
  interval: 'PT5M',
  dimensions: {},
});
const at = (
  target: ResourceTarget,
  region = 'westeurope',
  type = 'Microsoft.Compute/virtualMachines',
): BatchTarget => ({
  target,
  region,
  type,
});

describe('planBatchCalls', () => {
  it('puts at most 50 resources of one subscription, region and type in a call: ⌈R/50⌉ calls', () => {
    const targets = Array.from({ length: 120 }, (_, i) => at(vm(SUB_A, i)));
    const calls = planBatchCalls(targets);
    expect(calls.map((c) => c.resourceIds.length)).toEqual([50, 50, 20]);
    expect(new Set(calls.flatMap((c) => c.resourceIds)).size).toBe(120);
    expect(MAX_BATCH_RESOURCES).toBe(50);
  });

  it('never mixes subscriptions, regions, types, metric sets or grains in one call', () => {
    const other = { ...vm(SUB_A, 9), metrics: ['Percentage CPU'] };
    const hourly = { ...vm(SUB_A, 10), interval: 'PT1H' as const };
    const calls = planBatchCalls([
      at(vm(SUB_A, 1)),
      at(vm(SUB_A, 2)),
      at(vm(SUB_B, 3)),
      at(vm(SUB_A, 4), 'northeurope'),
      at(vm(SUB_A, 5), 'westeurope', 'Microsoft.Web/sites'),
      at(other),
      at(hourly),
    ]);
    expect(calls).toHaveLength(6);
    const first = calls.find((c) => c.resourceIds.length === 2);
    expect(first).toMatchObject({ subscriptionId: SUB_A, region: 'westeurope', interval: 'PT5M' });
  });

  it('splits more than 20 metric names into calls of at most 20, and skips state-only targets', () => {
    const many = { ...vm(SUB_A, 1), metrics: Array.from({ length: 45 }, (_, i) => `m${i}`) };
    const calls = planBatchCalls([at(many), at({ ...vm(SUB_A, 2), metrics: [] })]);
    expect(calls.map((c) => c.metrics.length)).toEqual([20, 20, 5]);
    expect(calls.every((c) => c.resourceIds.length === 1)).toBe(true);
  });

  it('groups regions written the ARM way and the Resource Graph way together', () => {
    const calls = planBatchCalls([at(vm(SUB_A, 1), 'westeurope'), at(vm(SUB_A, 2), 'WestEurope')]);
    expect(calls).toHaveLength(1);
  });
});
