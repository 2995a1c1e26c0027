import { randomBytes } from 'node:crypto';
import { defaultSecretName, type CustomerInput } from '../customers/customer';
import { buildDemoScenario, type DemoScenario } from '../local/demo/build-demo-scenario';
import type { SandboxSeed } from '../local/sandbox/sandbox-seed';

export interface BenchShape {
  readonly customers: number;
  readonly resourcesPerCustomer: number;
  /** Metric names per VM (from the sandbox's VM catalogue). */
  readonly metricsPerResource: number;
}

const VM_METRICS = ['Percentage CPU', 'Available Memory Bytes', 'Network In Total', 'Network Out Total'];

/**
 * The demo world plus `customers` synthetic healthy customers, each in its own tenant with its own
 * app, secret and subscription of VMs at PT1M (60 points per metric per hour): a realistic provider
 * fleet for measuring a collection cycle.
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
  const validUntil = new Date(now.getTime() + 365 * 86_400_000);
  for (let i = 0; i < shape.customers; i++) {
    const n = String(i).padStart(8, '0');
    const id = `bench-${i}`;
    const tenantId = `be000000-0000-4000-8000-${n}0001`;
    const subscriptionId = `be000000-0000-4000-8000-${n}0002`;
    const clientId = `be000000-0000-4000-8000-${n}0003`;
    const objectId = `be000000-0000-4000-8000-${n}0004`;
    const secret = randomBytes(24).toString('base64url');
    seed.tenants.push({ tenantId, displayName: `Bench customer ${i}` });
    seed.subscriptions.push({ subscriptionId, tenantId });
    seed.apps.push({
      tenantId,
      clientId,
      objectId,
      displayName: 'collector',
      secrets: [{ value: secret, expiresAt: validUntil }],
    });
    seed.roleAssignments.push({ principalId: objectId, scope: `/subscriptions/${subscriptionId}`, roleName: 'Reader' });
    seed.vaultSecrets.push({ name: defaultSecretName(id), value: secret, expiresOn: validUntil });
    const resources = [];
    for (let r = 0; r < shape.resourcesPerCustomer; r++) {
      const resourceId = `/subscriptions/${subscriptionId}/resourceGroups/rg-bench/providers/Microsoft.Compute/virtualMachines/vm-${r}`;
      seed.resources.push({
        id: resourceId,
        location: 'West Europe',
        properties: { provisioningState: 'Succeeded', hardwareProfile: { vmSize: 'Standard_D2s_v5' } },
      });
      resources.push({ resourceId, metrics, aggregations: ['Average', 'Maximum'] as const, interval: 'PT1M' as const });
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
