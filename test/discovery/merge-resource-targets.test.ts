import { describe, expect, it } from 'vitest';
import { discoverySchema, resourceTargetSchema } from '../../lib/customers/customer';
import { mergeResourceTargets } from '../../lib/discovery/merge-resource-targets';

const SUB = '11111111-0000-4000-8000-000000000001';
const id = (type: string, name: string) => `/subscriptions/${SUB}/resourceGroups/rg/providers/${type}/${name}`;
const configuredVm = resourceTargetSchema.parse({
  resourceId: id('Microsoft.Compute/virtualMachines', 'vm1'),
  metrics: ['Available Memory Bytes'],
  interval: 'PT1H',
});
const { metrics } = discoverySchema.parse({
  subscriptions: [SUB],
  resourceTypes: ['Microsoft.Compute/virtualMachines', 'Microsoft.Fabric/capacities'],
  metrics: { 'Microsoft.Compute/virtualMachines': { metrics: ['Percentage CPU'] } },
});

describe('mergeResourceTargets', () => {
  it('keeps configured resources first and adds discovered ones with the metrics configured for their type', () => {
    const merged = mergeResourceTargets(
      [configuredVm],
      [{ id: id('Microsoft.Compute/virtualMachines', 'vm2'), type: 'microsoft.compute/virtualmachines' }],
      metrics,
    );
    expect(merged).toEqual([
      configuredVm,
      {
        resourceId: id('Microsoft.Compute/virtualMachines', 'vm2'),
        metrics: ['Percentage CPU'],
        aggregations: ['Average', 'Maximum'],
        interval: 'PT5M',
        dimensions: {},
      },
    ]);
  });

  it('lets the configured entry win when a discovered resource is also configured (IDs compared case-insensitively)', () => {
    const merged = mergeResourceTargets(
      [configuredVm],
      [{ id: configuredVm.resourceId.toUpperCase(), type: 'microsoft.compute/virtualmachines' }],
      metrics,
    );
    expect(merged).toEqual([configuredVm]);
  });

  it('collects a type without metric settings for state only', () => {
    const merged = mergeResourceTargets(
      [],
      [{ id: id('Microsoft.Fabric/capacities', 'cap1'), type: 'microsoft.fabric/capacities' }],
      metrics,
    );
    expect(merged).toEqual([
      expect.objectContaining({ resourceId: id('Microsoft.Fabric/capacities', 'cap1'), metrics: [] }),
    ]);
  });

  it('skips a discovered ID that is not a valid resource ID instead of failing the run', () => {
    expect(mergeResourceTargets([], [{ id: '/subscriptions/not-a-resource', type: 'x/y' }], metrics)).toEqual([]);
  });
});
