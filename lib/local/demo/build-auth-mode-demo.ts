import { defaultSecretName, type CustomerInput } from '../../customers/customer';
import { createClientCertificate } from '../sandbox/create-client-certificate';
import type { SandboxSeed } from '../sandbox/sandbox-seed';

const DAY_MS = 86_400_000;

/** Fixed ids of the demo customers that each show one way into a tenant. */
export const AUTH_MODE_DEMO_IDS = {
  adatum: {
    tenantId: 'adad0000-0000-4000-8000-000000000001',
    subscriptionId: 'adad0000-0000-4000-8000-000000000002',
    /** The provider's multi-tenant app: the same client id in every customer tenant. */
    clientId: 'adad0000-0000-4000-8000-000000000003',
    /** Its service principal in Adatum's tenant (created by admin consent). */
    objectId: 'adad0000-0000-4000-8000-000000000004',
  },
  litware: {
    tenantId: '11700000-0000-4000-8000-000000000001',
    subscriptionId: '11700000-0000-4000-8000-000000000002',
  },
  wingtip: {
    tenantId: 'e1e10000-0000-4000-8000-000000000001',
    subscriptionId: 'e1e10000-0000-4000-8000-000000000002',
    clientId: 'e1e10000-0000-4000-8000-000000000003',
    objectId: 'e1e10000-0000-4000-8000-000000000004',
  },
} as const;

/** The part of the demo world these customers add; merged into the demo scenario's seed. */
export interface AuthModeDemo {
  readonly seed: Required<
    Pick<
      SandboxSeed,
      'tenants' | 'subscriptions' | 'apps' | 'roleAssignments' | 'resources' | 'vaultSecrets' | 'delegations'
    >
  >;
  readonly customers: CustomerInput[];
}

/**
 * Three healthy customers, one per secretless or non-secret auth mode:
 * - adatum (federatedIdentity): consented to the provider's multi-tenant app, whose federated
 *   credential trusts the provider's managed identity; no secret exists anywhere.
 * - litware (lighthouse): delegated its subscription (Reader) to the provider's managed identity; discovers
 *   every VM of that subscription through Resource Graph (vm-litware-etl is found that way).
 * - wingtip (certificate): its app has a certificate; the PEM (certificate + key) is in Key Vault.
 * The certificate is generated per call, so its private key can never be copied from docs or logs.
 */
export function buildAuthModeDemo(
  home: {
    readonly tenantId: string;
    readonly managedIdentity: { readonly clientId: string; readonly objectId: string };
  },
  now: Date,
): AuthModeDemo {
  const { adatum, litware, wingtip } = AUTH_MODE_DEMO_IDS;
  const adatumVm = `/subscriptions/${adatum.subscriptionId}/resourceGroups/rg-erp/providers/Microsoft.Compute/virtualMachines/vm-adatum-erp`;
  const litwareRg = `/subscriptions/${litware.subscriptionId}/resourceGroups/rg-reports`;
  const litwarePbi = `${litwareRg}/providers/Microsoft.PowerBIDedicated/capacities/pbilitware`;
  const litwareFabric = `${litwareRg}/providers/Microsoft.Fabric/capacities/fabriclitware`;
  // Not configured: litware's discovery finds it through Resource Graph (over the Lighthouse delegation).
  const litwareEtlVm = `/subscriptions/${litware.subscriptionId}/resourceGroups/rg-etl/providers/Microsoft.Compute/virtualMachines/vm-litware-etl`;
  const wingtipVm = `/subscriptions/${wingtip.subscriptionId}/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-wingtip-pos`;
  const certificate = createClientCertificate({
    commonName: 'cross-tenant-collector wingtip',
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
  });
  const cpu = { metrics: ['Percentage CPU'], aggregations: ['Average', 'Maximum'] as const, interval: 'PT5M' as const };

  return {
    seed: {
      tenants: [
        { tenantId: adatum.tenantId, displayName: 'Adatum Corporation' },
        { tenantId: litware.tenantId, displayName: 'Litware Inc' },
        { tenantId: wingtip.tenantId, displayName: 'Wingtip Toys' },
      ],
      subscriptions: [
        { subscriptionId: adatum.subscriptionId, tenantId: adatum.tenantId, displayName: 'Adatum ERP' },
        { subscriptionId: litware.subscriptionId, tenantId: litware.tenantId, displayName: 'Litware Reporting' },
        { subscriptionId: wingtip.subscriptionId, tenantId: wingtip.tenantId, displayName: 'Wingtip Retail' },
      ],
      apps: [
        {
          tenantId: adatum.tenantId,
          clientId: adatum.clientId,
          objectId: adatum.objectId,
          displayName: 'provider-collector (multi-tenant)',
          federatedCredentials: [
            {
              issuer: `https://login.microsoftonline.com/${home.tenantId}/v2.0`,
              subject: home.managedIdentity.objectId,
              audience: 'api://AzureADTokenExchange',
            },
          ],
        },
        {
          tenantId: wingtip.tenantId,
          clientId: wingtip.clientId,
          objectId: wingtip.objectId,
          displayName: 'collector-certificate',
          certificates: [{ certificatePem: certificate.certificatePem }],
        },
      ],
      roleAssignments: [
        { principalId: adatum.objectId, scope: `/subscriptions/${adatum.subscriptionId}`, roleName: 'Reader' },
        { principalId: wingtip.objectId, scope: `/subscriptions/${wingtip.subscriptionId}`, roleName: 'Reader' },
      ],
      delegations: [
        {
          scope: `/subscriptions/${litware.subscriptionId}`,
          managingTenantId: home.tenantId,
          principalId: home.managedIdentity.objectId,
          roleName: 'Reader',
        },
      ],
      resources: [
        vm(adatumVm, 'Standard_D8s_v5'),
        {
          id: litwarePbi,
          location: 'West Europe',
          sku: { name: 'A2', tier: 'PBIE_Azure', capacity: 1 },
          properties: { provisioningState: 'Succeeded', state: 'Succeeded', mode: 'Gen2' },
        },
        {
          id: litwareFabric,
          location: 'West Europe',
          sku: { name: 'F8', tier: 'Fabric' },
          properties: { provisioningState: 'Succeeded', state: 'Paused' },
        },
        vm(wingtipVm, 'Standard_B4ms'),
        vm(litwareEtlVm, 'Standard_E2s_v5'),
      ],
      vaultSecrets: [
        {
          name: defaultSecretName('wingtip'),
          value: certificate.pem,
          contentType: 'application/x-pem-file',
          expiresOn: certificate.notAfter,
          tags: { customerId: 'wingtip', authMode: 'certificate' },
        },
      ],
    },
    customers: [
      {
        id: 'adatum',
        displayName: 'Adatum Corporation',
        tenantId: adatum.tenantId,
        clientId: adatum.clientId,
        authMode: 'federatedIdentity',
        resources: [{ resourceId: adatumVm, ...cpu, aggregations: [...cpu.aggregations] }],
      },
      {
        id: 'litware',
        displayName: 'Litware Inc',
        tenantId: litware.tenantId,
        // Lighthouse: the principal named in the delegation, i.e. the provider's managed identity.
        clientId: home.managedIdentity.clientId,
        authMode: 'lighthouse',
        resources: [
          { resourceId: litwareFabric, metrics: [] },
          { resourceId: litwarePbi, metrics: ['cpu_metric'], aggregations: ['Average', 'Maximum'], interval: 'PT5M' },
        ],
        // Every VM of the delegated subscription is collected, including ones added later.
        discovery: {
          subscriptions: [litware.subscriptionId],
          resourceTypes: ['microsoft.compute/virtualmachines'],
          metrics: { 'microsoft.compute/virtualmachines': { ...cpu, aggregations: [...cpu.aggregations] } },
        },
      },
      {
        id: 'wingtip',
        displayName: 'Wingtip Toys',
        tenantId: wingtip.tenantId,
        clientId: wingtip.clientId,
        authMode: 'certificate',
        resources: [{ resourceId: wingtipVm, ...cpu, aggregations: [...cpu.aggregations] }],
      },
    ],
  };
}

function vm(id: string, vmSize: string) {
  return {
    id,
    location: 'West Europe',
    properties: {
      vmId: `${id.length.toString(16).padStart(8, '0')}-0000-4000-8000-0000000000ad`,
      hardwareProfile: { vmSize },
      provisioningState: 'Succeeded',
    },
  };
}

/** Appends the auth-mode demo customers (and their part of the sandbox world) to a demo scenario. */
export function addAuthModeDemo(
  scenario: { readonly seed: SandboxSeed; readonly customers: CustomerInput[] },
  now: Date,
): { seed: SandboxSeed; customers: CustomerInput[] } {
  const { seed } = scenario;
  const home = {
    tenantId: seed.homeTenantId ?? '',
    managedIdentity: seed.managedIdentity ?? { clientId: '', objectId: '' },
  };
  const demo = buildAuthModeDemo(home, now);
  return {
    seed: {
      ...seed,
      tenants: [...(seed.tenants ?? []), ...demo.seed.tenants],
      subscriptions: [...(seed.subscriptions ?? []), ...demo.seed.subscriptions],
      apps: [...(seed.apps ?? []), ...demo.seed.apps],
      roleAssignments: [...(seed.roleAssignments ?? []), ...demo.seed.roleAssignments],
      resources: [...(seed.resources ?? []), ...demo.seed.resources],
      vaultSecrets: [...(seed.vaultSecrets ?? []), ...demo.seed.vaultSecrets],
      delegations: [...(seed.delegations ?? []), ...demo.seed.delegations],
    },
    customers: [...scenario.customers, ...demo.customers],
  };
}
