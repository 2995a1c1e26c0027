import { randomBytes } from 'node:crypto';
import type { CustomerInput } from '../../customers/customer';
import type { SandboxResourceSeed, SandboxSeed } from '../sandbox/sandbox-seed';
import { addAuthModeDemo } from './build-auth-mode-demo';
import { addDeliveryDemo } from './add-delivery-demo';
import { addFabricDemo } from './add-fabric-demo';
import { addLogsExportDemo } from './add-logs-export-demo';
import { demoClientSecret } from './demo-client-secret';

export interface DemoScenario {
  readonly seed: SandboxSeed;
  readonly customers: CustomerInput[];
}

const DAY_MS = 86_400_000;

export interface DemoOptions {
  /**
   * Adds the Fabric CU demo (contoso pulls from the Capacity Metrics app, woodgrove pushes events,
   * alpineski is blocked by a tenant setting). `npm start` turns it on; the base scenario that most
   * tests share leaves it off, so their per-customer numbers do not depend on the wall clock (the
   * Capacity Metrics model lags 12 minutes behind now).
   */
  readonly fabric?: boolean;
}

/** Fixed ids so demo output (tables, blobs, logs) is stable from run to run. */
export const DEMO_IDS = {
  homeTenantId: 'a0a0a0a0-0000-4000-8000-000000000001',
  providerSubscriptionId: 'a0a0a0a0-0000-4000-8000-000000000002',
  managedIdentity: {
    clientId: 'a0a0a0a0-0000-4000-8000-000000000003',
    objectId: 'a0a0a0a0-0000-4000-8000-000000000004',
  },
  contoso: {
    tenantId: 'c0c0c0c0-0000-4000-8000-000000000001',
    subscriptionId: 'c0c0c0c0-0000-4000-8000-000000000002',
    clientId: 'c0c0c0c0-0000-4000-8000-000000000003',
    objectId: 'c0c0c0c0-0000-4000-8000-000000000004',
  },
  fabrikam: {
    tenantId: 'fabfab00-0000-4000-8000-000000000001',
    subscriptionId: 'fabfab00-0000-4000-8000-000000000002',
    clientId: 'fabfab00-0000-4000-8000-000000000003',
    objectId: 'fabfab00-0000-4000-8000-000000000004',
  },
  northwind: {
    tenantId: 'b0b0b0b0-0000-4000-8000-000000000001',
    subscriptionId: 'b0b0b0b0-0000-4000-8000-000000000002',
    clientId: 'b0b0b0b0-0000-4000-8000-000000000003',
    objectId: 'b0b0b0b0-0000-4000-8000-000000000004',
  },
  tailspin: {
    tenantId: '7a170000-0000-4000-8000-000000000001',
    subscriptionId: '7a170000-0000-4000-8000-000000000002',
  },
} as const;

/**
 * The demo world: a provider whose managed identity reads its Key Vault, and three customers.
 * - contoso: healthy (Fabric capacity for state, Power BI Embedded and a VM for metrics).
 * - fabrikam: the secret in the vault is expired in Entra, so sign-in fails with AADSTS7000222.
 * - northwind: Reader on its storage account only, so its VM fails with AuthorizationFailed.
 * - tailspin: configured to use the provider's managed identity directly (auth mode managedIdentity);
 *   Tailspin granted Reader to the MI's object id, which its tenant cannot resolve: AuthorizationFailed.
 * Secret values are random per call so they can never be copied from docs or logs; read them
 * from `seed.vaultSecrets` or `seed.apps` when a test needs them.
 */
export function buildDemoScenario(now: Date = new Date(), options: DemoOptions = {}): DemoScenario {
  const { contoso, fabrikam, northwind } = DEMO_IDS;
  const vaultResourceId = `/subscriptions/${DEMO_IDS.providerSubscriptionId}/resourceGroups/rg-collector/providers/Microsoft.KeyVault/vaults/kv-collector`;
  const secrets = { contoso: newSecretValue(), fabrikam: newSecretValue(), northwind: newSecretValue() };
  const validUntil = new Date(now.getTime() + 200 * DAY_MS);
  const expiredAt = new Date(now.getTime() - 3 * DAY_MS);

  const contosoRg = `/subscriptions/${contoso.subscriptionId}/resourceGroups/rg-analytics`;
  const contosoFabric = `${contosoRg}/providers/Microsoft.Fabric/capacities/fabriccontoso`;
  const contosoPbi = `${contosoRg}/providers/Microsoft.PowerBIDedicated/capacities/pbicontoso`;
  const contosoVm = `${contosoRg}/providers/Microsoft.Compute/virtualMachines/vm-contoso-gw`;
  const fabrikamVm = `/subscriptions/${fabrikam.subscriptionId}/resourceGroups/rg-apps/providers/Microsoft.Compute/virtualMachines/vm-fabrikam-web`;
  const northwindRg = `/subscriptions/${northwind.subscriptionId}/resourceGroups/rg-shop`;
  const northwindStorage = `${northwindRg}/providers/Microsoft.Storage/storageAccounts/stnorthwind`;
  const northwindVm = `${northwindRg}/providers/Microsoft.Compute/virtualMachines/vm-northwind-db`;
  const tailspinVm = `/subscriptions/${DEMO_IDS.tailspin.subscriptionId}/resourceGroups/rg-games/providers/Microsoft.Compute/virtualMachines/vm-tailspin-api`;

  const resources: SandboxResourceSeed[] = [
    {
      id: contosoFabric,
      location: 'West Europe',
      sku: { name: 'F64', tier: 'Fabric' },
      properties: {
        provisioningState: 'Succeeded',
        state: 'Active',
        administration: { members: ['admin@contoso.example'] },
      },
    },
    {
      id: contosoPbi,
      location: 'West Europe',
      sku: { name: 'A1', tier: 'PBIE_Azure', capacity: 1 },
      properties: {
        provisioningState: 'Succeeded',
        state: 'Succeeded',
        mode: 'Gen2',
        administration: { members: ['admin@contoso.example'] },
      },
    },
    virtualMachine(contosoVm, 'Standard_D2s_v5'),
    virtualMachine(fabrikamVm, 'Standard_B2ms'),
    {
      id: northwindStorage,
      location: 'North Europe',
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS', tier: 'Standard' },
      properties: {
        provisioningState: 'Succeeded',
        accessTier: 'Hot',
        primaryLocation: 'northeurope',
        statusOfPrimary: 'available',
      },
    },
    virtualMachine(northwindVm, 'Standard_E4s_v5', 'North Europe'),
    virtualMachine(tailspinVm, 'Standard_D4s_v5', 'East US'),
  ];

  const seed: SandboxSeed = {
    homeTenantId: DEMO_IDS.homeTenantId,
    managedIdentity: DEMO_IDS.managedIdentity,
    vaultResourceId,
    tenants: [
      { tenantId: contoso.tenantId, displayName: 'Contoso Ltd' },
      { tenantId: fabrikam.tenantId, displayName: 'Fabrikam Inc' },
      { tenantId: northwind.tenantId, displayName: 'Northwind Traders' },
      { tenantId: DEMO_IDS.tailspin.tenantId, displayName: 'Tailspin Toys' },
    ],
    subscriptions: [
      { subscriptionId: contoso.subscriptionId, tenantId: contoso.tenantId, displayName: 'Contoso Analytics' },
      { subscriptionId: fabrikam.subscriptionId, tenantId: fabrikam.tenantId, displayName: 'Fabrikam Production' },
      { subscriptionId: northwind.subscriptionId, tenantId: northwind.tenantId, displayName: 'Northwind Shop' },
      {
        subscriptionId: DEMO_IDS.tailspin.subscriptionId,
        tenantId: DEMO_IDS.tailspin.tenantId,
        displayName: 'Tailspin Games',
      },
    ],
    apps: [
      { ...app(contoso, 'collector-reader'), secrets: [{ value: secrets.contoso, expiresAt: validUntil }] },
      { ...app(fabrikam, 'provider-monitoring'), secrets: [{ value: secrets.fabrikam, expiresAt: expiredAt }] },
      { ...app(northwind, 'metrics-collector'), secrets: [{ value: secrets.northwind, expiresAt: validUntil }] },
    ],
    roleAssignments: [
      // Secrets Officer, as in infra/modules/rbac.bicep: the app writes secrets when it onboards customers.
      { principalId: DEMO_IDS.managedIdentity.objectId, scope: vaultResourceId, roleName: 'Key Vault Secrets Officer' },
      { principalId: contoso.objectId, scope: `/subscriptions/${contoso.subscriptionId}`, roleName: 'Reader' },
      { principalId: fabrikam.objectId, scope: `/subscriptions/${fabrikam.subscriptionId}`, roleName: 'Reader' },
      // Northwind granted Reader on the storage account only; the VM was forgotten.
      { principalId: northwind.objectId, scope: northwindStorage, roleName: 'Reader' },
      // Tailspin named the provider's managed identity in its own subscription: that can never resolve.
      {
        principalId: DEMO_IDS.managedIdentity.objectId,
        scope: `/subscriptions/${DEMO_IDS.tailspin.subscriptionId}`,
        roleName: 'Reader',
      },
    ],
    resources,
    vaultSecrets: [
      demoClientSecret('contoso', secrets.contoso, validUntil),
      demoClientSecret('fabrikam', secrets.fabrikam, expiredAt),
      demoClientSecret('northwind', secrets.northwind, validUntil),
    ],
  };

  const customers: CustomerInput[] = [
    {
      id: 'contoso',
      displayName: 'Contoso Ltd',
      tenantId: contoso.tenantId,
      clientId: contoso.clientId,
      resources: [
        { resourceId: contosoFabric, metrics: [] },
        {
          resourceId: contosoPbi,
          metrics: ['cpu_metric', 'overload_metric'],
          aggregations: ['Average', 'Maximum'],
          interval: 'PT5M',
        },
        { resourceId: contosoVm, metrics: ['Percentage CPU'], aggregations: ['Average', 'Maximum'], interval: 'PT5M' },
      ],
    },
    {
      id: 'fabrikam',
      displayName: 'Fabrikam Inc',
      tenantId: fabrikam.tenantId,
      clientId: fabrikam.clientId,
      resources: [
        { resourceId: fabrikamVm, metrics: ['Percentage CPU'], aggregations: ['Average', 'Maximum'], interval: 'PT5M' },
      ],
    },
    {
      id: 'northwind',
      displayName: 'Northwind Traders',
      tenantId: northwind.tenantId,
      clientId: northwind.clientId,
      resources: [
        {
          resourceId: northwindStorage,
          metrics: ['UsedCapacity', 'Transactions'],
          aggregations: ['Average', 'Total'],
          interval: 'PT1H',
        },
        {
          resourceId: northwindVm,
          metrics: ['Percentage CPU'],
          aggregations: ['Average', 'Maximum'],
          interval: 'PT5M',
        },
      ],
    },
    {
      id: 'tailspin',
      displayName: 'Tailspin Toys',
      tenantId: DEMO_IDS.tailspin.tenantId,
      // The provider's own managed identity: the pitfall this customer demonstrates.
      clientId: DEMO_IDS.managedIdentity.clientId,
      authMode: 'managedIdentity',
      resources: [
        { resourceId: tailspinVm, metrics: ['Percentage CPU'], aggregations: ['Average', 'Maximum'], interval: 'PT5M' },
      ],
    },
  ];
  // adatum, litware, wingtip: one healthy customer per other auth mode (federated, Lighthouse, certificate).
  // contoso also delivers each snapshot to its own storage account.
  // The analytics export: a data collection rule for the app's streams, and the role to send through it.
  const scenario = addLogsExportDemo(addDeliveryDemo(addAuthModeDemo({ seed, customers }, now)));
  return options.fabric ? addFabricDemo(scenario, now) : scenario;
}

function app(ids: { tenantId: string; clientId: string; objectId: string }, displayName: string) {
  return { tenantId: ids.tenantId, clientId: ids.clientId, objectId: ids.objectId, displayName };
}

function virtualMachine(id: string, vmSize: string, location = 'West Europe'): SandboxResourceSeed {
  return {
    id,
    location,
    properties: {
      vmId: `${id.length.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
      hardwareProfile: { vmSize },
      provisioningState: 'Succeeded',
    },
  };
}

/** Looks like an Entra secret value (40 URL-safe characters); random so it cannot leak from docs. */
function newSecretValue(): string {
  return randomBytes(30).toString('base64url');
}
