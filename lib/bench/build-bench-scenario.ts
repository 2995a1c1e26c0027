import { randomBytes } from 'node:crypto';
import { defaultSecretName, type CustomerInput } from '../customers/customer';
import { buildDemoScenario, type DemoScenario } from '../local/demo/build-demo-scenario';
import type { SandboxSeed } from '../local/sandbox/sandbox-seed';

export interface BenchShape {
  readonly customers: number;
  readonly resourcesPerCustomer: number;
  /** Metric names per VM (from the sandbox's VM catalogue). */
  readonly metricsPerResource: number;
  /** Subscriptions per customer (resources spread round-robin); default 1. */
  readonly subscriptionsPerCustomer?: number;
  /** Regions the resources are spread over (round-robin); default 1. */
  readonly regions?: number;
  /** Time grain of every metric; default PT1M (60 points per metric per hour). */
  readonly interval?: 'PT1M' | 'PT5M' | 'PT1H';
}

const VM_METRICS = ['Percentage CPU', 'Available Memory Bytes', 'Network In Total', 'Network Out Total'];
const REGIONS = ['West Europe', 'North Europe', 'East US', 'West US 2', 'Sweden Central', 'UK South'];

/**
 * The demo world plus `customers` synthetic healthy customers, each in its own tenant with its own
 * app, secret, subscriptions (Reader on each) and VMs spread over subscriptions and regions, at PT1M
 * (60 points per metric per hour) unless the shape says otherwise: a realistic provider fleet for measuring a collection cycle.
 */
export function buildBenchScenario(shape: BenchShape, now = new Date()): DemoScenario {
  const demo = buildDemoScenario(now);
  const seed = structuredClone(demo.seed) as {
    -readonly [K in keyof SandboxSeed]-?: NonNullable<SandboxSeed[K]> extends readonly (infer T)[]
      ? T[]
      : SandboxSeed[K];
  };
  const customers: CustomerInput[] = [];
  const metrics = VM_METRICS.slice(0, Math.max(1, Math.min(shape.metricsPerResource, VM_METRICS.length)));
  const subscriptionCount = Math.max(1, shape.subscriptionsPerCustomer ?? 1);
  const regions = REGIONS.slice(0, Math.max(1, Math.min(shape.regions ?? 1, REGIONS.length)));
  const validUntil = new Date(now.getTime() + 365 * 86_400_000);
  for (let i = 0; i < shape.customers; i++) {
    const n = String(i).padStart(8, '0');
    const id = `bench-${i}`;
    const tenantId = `be000000-0000-4000-8000-${n}0001`;
    const clientId = `be000000-0000-4000-8000-${n}0003`;
    const objectId = `be000000-0000-4000-8000-${n}0004`;
    const subscriptionIds = Array.from(
      { length: subscriptionCount },
      (_, s) => `be000000-0000-4${String(s).padStart(3, '0')}-8000-${n}0002`,
    );
    const secret = randomBytes(24).toString('base64url');
    seed.tenants.push({ tenantId, displayName: `Bench customer ${i}` });
    for (const subscriptionId of subscriptionIds) {
      seed.subscriptions.push({ subscriptionId, tenantId });
      seed.roleAssignments.push({
        principalId: objectId,
        scope: `/subscriptions/${subscriptionId}`,
        roleName: 'Reader',
      });
    }
    seed.apps.push({
      tenantId,
      clientId,
      objectId,
      displayName: 'collector',
      secrets: [{ value: secret, expiresAt: validUntil }],
    });
    seed.vaultSecrets.push({
      name: defaultSecretName(id),
      value: secret,
      expiresOn: validUntil,
      tags: { customerId: id },
    });
    const resources = [];
    for (let r = 0; r < shape.resourcesPerCustomer; r++) {
      const subscriptionId = subscriptionIds[r % subscriptionIds.length] as string;
      const region = regions[Math.floor(r / subscriptionIds.length) % regions.length] as string;
      const resourceId = `/subscriptions/${subscriptionId}/resourceGroups/rg-bench/providers/Microsoft.Compute/virtualMachines/vm-${r}`;
      seed.resources.push({
        id: resourceId,
        location: region,
        properties: { provisioningState: 'Succeeded', hardwareProfile: { vmSize: 'Standard_D2s_v5' } },
      });
      resources.push({
        resourceId,
        metrics,
        aggregations: ['Average', 'Maximum'] as const,
        interval: shape.interval ?? ('PT1M' as const),
      });
    }
    customers.push({
      id,
      displayName: `Bench customer ${i}`,
      tenantId,
      clientId,
      resources: resources.map((r) => ({ ...r, aggregations: [...r.aggregations] })),
    });
  }
  return { seed, customers };
}

/**
 * The fewest calls the workload allows, per kind. Metrics: Σ over each customer's (subscription,
 * region, type) groups of ⌈resources/50⌉ × ⌈metrics/20⌉ in batch, resources × ⌈metrics/20⌉ per
 * resource. State: one Resource Graph query per customer (⌈resources/1000⌉ pages).
 */
export function lowerBounds(customers: readonly CustomerInput[], locationOf: (resourceId: string) => string) {
  let metricsBatch = 0;
  let metricsPerResource = 0;
  let stateReads = 0;
  for (const customer of customers) {
    const groups = new Map<string, { count: number; metrics: number }>();
    for (const r of customer.resources ?? []) {
      const metrics = r.metrics?.length ?? 0;
      if (metrics === 0) continue;
      const sub = /\/subscriptions\/([^/]+)/i.exec(r.resourceId)?.[1] ?? '';
      const type = /\/providers\/([^/]+\/[^/]+)/i.exec(r.resourceId)?.[1]?.toLowerCase() ?? '';
      const key = `${sub}|${locationOf(r.resourceId)}|${type}`;
      const group = groups.get(key) ?? { count: 0, metrics };
      group.count += 1;
      groups.set(key, group);
      metricsPerResource += Math.ceil(metrics / 20);
    }
    for (const g of groups.values()) metricsBatch += Math.ceil(g.count / 50) * Math.ceil(g.metrics / 20);
    stateReads += Math.max(1, Math.ceil((customer.resources?.length ?? 0) / 1000));
  }
  return { tokens: customers.length, metricsBatch, metricsPerResource, stateReads };
}
