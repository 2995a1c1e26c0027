import { randomBytes } from 'node:crypto';
import type { CustomerInput } from '../../customers/customer';
import type { SandboxPowerBiSeed } from '../sandbox/power-bi/sandbox-power-bi';
import type { SandboxSeed } from '../sandbox/sandbox-seed';
import { demoClientSecret } from './demo-client-secret';

const DAY_MS = 86_400_000;

/** Fixed ids of the Fabric demo (stable output from run to run). */
export const FABRIC_DEMO_IDS = {
  contoso: {
    workspaceId: 'c0c0c0c0-0000-4000-8000-0000000000f1',
    datasetId: 'c0c0c0c0-0000-4000-8000-0000000000f2',
    capacityId: 'c0c0c0c0-0000-4000-8000-0000000000f3',
  },
  /** Pushes Real-Time hub capacity events instead of granting model access. */
  woodgrove: {
    tenantId: '3d000000-0000-4000-8000-000000000001',
    subscriptionId: '3d000000-0000-4000-8000-000000000002',
    clientId: '3d000000-0000-4000-8000-000000000003',
    objectId: '3d000000-0000-4000-8000-000000000004',
    capacityId: '3d000000-0000-4000-8000-0000000000f3',
  },
  /** Its Fabric admin never allowed service principals to use the APIs. */
  alpineski: {
    tenantId: 'a1500000-0000-4000-8000-000000000001',
    subscriptionId: 'a1500000-0000-4000-8000-000000000002',
    clientId: 'a1500000-0000-4000-8000-000000000003',
    objectId: 'a1500000-0000-4000-8000-000000000004',
    workspaceId: 'a1500000-0000-4000-8000-0000000000f1',
    datasetId: 'a1500000-0000-4000-8000-0000000000f2',
    capacityId: 'a1500000-0000-4000-8000-0000000000f3',
  },
} as const;

export const WOODGROVE_CAPACITY = 'fabricwoodgrove';

/**
 * Adds Fabric capacity utilization to the demo:
 * - contoso: pull. Its principal is a Member of the Capacity Metrics app's workspace (app v53 model)
 *   and a contributor of its F64 `fabriccontoso`, which is busy and throttles from minute 20 to 40 of
 *   every hour.
 * - woodgrove: push. An F8 `fabricwoodgrove`; no model access, it sends Real-Time hub events.
 * - alpineski: pull, but the tenant setting "Service principals can use Fabric APIs" is off, so
 *   every Power BI call answers 401 and the run explains which setting to turn on.
 */
export function addFabricDemo<T extends { seed: SandboxSeed; customers: CustomerInput[] }>(scenario: T, now: Date): T {
  const contoso = scenario.customers.find((c) => c.id === 'contoso');
  const contosoApp = contoso && scenario.seed.apps?.find((a) => a.clientId === contoso.clientId);
  if (!contoso || !contosoApp) return scenario;
  const contosoFabric = contoso.resources?.find((r) => /Microsoft\.Fabric\/capacities\//i.test(r.resourceId));
  if (!contosoFabric) return scenario;
  const { woodgrove, alpineski } = FABRIC_DEMO_IDS;
  const validUntil = new Date(now.getTime() + 200 * DAY_MS);
  const secrets = { woodgrove: newSecretValue(), alpineski: newSecretValue() };
  const woodgroveCapacity = `/subscriptions/${woodgrove.subscriptionId}/resourceGroups/rg-data/providers/Microsoft.Fabric/capacities/${WOODGROVE_CAPACITY}`;
  const alpineskiCapacity = `/subscriptions/${alpineski.subscriptionId}/resourceGroups/rg-bi/providers/Microsoft.Fabric/capacities/fabricalpineski`;

  const powerBi: SandboxPowerBiSeed = {
    tenants: [
      { tenantId: contoso.tenantId },
      { tenantId: woodgrove.tenantId },
      { tenantId: alpineski.tenantId, servicePrincipalsCanUseApis: false },
    ],
    workspaces: [
      {
        id: FABRIC_DEMO_IDS.contoso.workspaceId,
        tenantId: contoso.tenantId,
        name: 'Microsoft Fabric Capacity Metrics',
        members: [
          { principalId: 'c0c0c0c0-0000-4000-8000-0000000000a1', role: 'Admin' },
          { principalId: contosoApp.objectId, role: 'Member' },
        ],
        datasets: [
          {
            id: FABRIC_DEMO_IDS.contoso.datasetId,
            name: 'Fabric Capacity Metrics',
            modelVersion: 'v53',
            capacityIds: [FABRIC_DEMO_IDS.contoso.capacityId],
          },
        ],
      },
      {
        id: alpineski.workspaceId,
        tenantId: alpineski.tenantId,
        name: 'Microsoft Fabric Capacity Metrics',
        members: [{ principalId: alpineski.objectId, role: 'Member' }],
        datasets: [
          {
            id: alpineski.datasetId,
            name: 'Fabric Capacity Metrics',
            modelVersion: 'v47',
            capacityIds: [alpineski.capacityId],
          },
        ],
      },
    ],
    capacities: [
      {
        id: FABRIC_DEMO_IDS.contoso.capacityId,
        tenantId: contoso.tenantId,
        displayName: contosoFabric.resourceId.split('/').pop() ?? 'fabriccontoso',
        sku: 'F64',
        region: 'West Europe',
        state: 'Active',
        profile: 'busy',
        visibleTo: [contosoApp.objectId],
      },
      {
        id: woodgrove.capacityId,
        tenantId: woodgrove.tenantId,
        displayName: WOODGROVE_CAPACITY,
        sku: 'F8',
        region: 'North Europe',
        state: 'Active',
        profile: 'steady',
        visibleTo: [],
      },
      {
        id: alpineski.capacityId,
        tenantId: alpineski.tenantId,
        displayName: 'fabricalpineski',
        sku: 'F16',
        region: 'West Europe',
        state: 'Active',
        profile: 'steady',
        visibleTo: [alpineski.objectId],
      },
    ],
  };

  const fabricResource = (id: string, sku: string, location: string) => ({
    id,
    location,
    sku: { name: sku, tier: 'Fabric' },
    properties: {
      provisioningState: 'Succeeded',
      state: 'Active',
      administration: { members: ['admin@customer.example'] },
    },
  });
  const seed: SandboxSeed = {
    ...scenario.seed,
    tenants: [
      ...(scenario.seed.tenants ?? []),
      { tenantId: woodgrove.tenantId, displayName: 'Woodgrove Bank' },
      { tenantId: alpineski.tenantId, displayName: 'Alpine Ski House' },
    ],
    subscriptions: [
      ...(scenario.seed.subscriptions ?? []),
      { subscriptionId: woodgrove.subscriptionId, tenantId: woodgrove.tenantId, displayName: 'Woodgrove Data' },
      { subscriptionId: alpineski.subscriptionId, tenantId: alpineski.tenantId, displayName: 'Alpine Ski BI' },
    ],
    apps: [
      ...(scenario.seed.apps ?? []),
      {
        tenantId: woodgrove.tenantId,
        clientId: woodgrove.clientId,
        objectId: woodgrove.objectId,
        displayName: 'ctc-reader',
        secrets: [{ value: secrets.woodgrove, expiresAt: validUntil }],
      },
      {
        tenantId: alpineski.tenantId,
        clientId: alpineski.clientId,
        objectId: alpineski.objectId,
        displayName: 'ctc-reader',
        secrets: [{ value: secrets.alpineski, expiresAt: validUntil }],
      },
    ],
    roleAssignments: [
      ...(scenario.seed.roleAssignments ?? []),
      { principalId: woodgrove.objectId, scope: `/subscriptions/${woodgrove.subscriptionId}`, roleName: 'Reader' },
      { principalId: alpineski.objectId, scope: `/subscriptions/${alpineski.subscriptionId}`, roleName: 'Reader' },
    ],
    resources: [
      ...(scenario.seed.resources ?? []),
      fabricResource(woodgroveCapacity, 'F8', 'North Europe'),
      fabricResource(alpineskiCapacity, 'F16', 'West Europe'),
    ],
    vaultSecrets: [
      ...(scenario.seed.vaultSecrets ?? []),
      demoClientSecret('woodgrove', secrets.woodgrove, validUntil),
      demoClientSecret('alpineski', secrets.alpineski, validUntil),
    ],
    powerBi,
  };
  const customers: CustomerInput[] = [
    ...scenario.customers.map((c) => (c === contoso ? { ...c, fabric: { mode: 'pull' as const } } : c)),
    {
      id: 'woodgrove',
      displayName: 'Woodgrove Bank',
      tenantId: woodgrove.tenantId,
      clientId: woodgrove.clientId,
      resources: [{ resourceId: woodgroveCapacity, metrics: [] }],
      fabric: { mode: 'push' },
    },
    {
      id: 'alpineski',
      displayName: 'Alpine Ski House',
      tenantId: alpineski.tenantId,
      clientId: alpineski.clientId,
      resources: [{ resourceId: alpineskiCapacity, metrics: [] }],
      fabric: { mode: 'pull' },
    },
  ];
  return { ...scenario, seed, customers };
}

function newSecretValue(): string {
  return randomBytes(30).toString('base64url');
}
