import type { CustomerInput } from '../../customers/customer';
import type { SandboxSeed } from '../sandbox/sandbox-seed';

/**
 * Stands for the sandbox storage front's origin in demo customers' delivery URLs: the front gets a
 * free port only when the sandbox starts, after the scenario is built. `.invalid` can never resolve,
 * so an unresolved URL fails loudly instead of reaching some real host.
 */
export const SANDBOX_STORAGE_ORIGIN = 'https://storage.sandbox.invalid';

/** The demo storage account that receives contoso's snapshots, in contoso's own subscription. */
export const DEMO_DELIVERY = {
  account: 'stcontosoexports',
  container: 'ctc-snapshots',
} as const;

/**
 * Adds delivery to the customer's own storage to a scenario: contoso's storage account and container,
 * Storage Blob Data Contributor for contoso's collector principal on that container, and contoso's
 * delivery target. Does nothing when the scenario has no contoso.
 */
export function addDeliveryDemo<T extends { seed: SandboxSeed; customers: CustomerInput[] }>(scenario: T): T {
  const contoso = scenario.customers.find((c) => c.id === 'contoso');
  const app = contoso && scenario.seed.apps?.find((a) => a.clientId === contoso.clientId);
  const subscription = contoso && scenario.seed.subscriptions?.find((s) => s.tenantId === contoso.tenantId);
  if (!contoso || !app || !subscription) return scenario;
  const accountId = `/subscriptions/${subscription.subscriptionId}/resourceGroups/rg-exports/providers/Microsoft.Storage/storageAccounts/${DEMO_DELIVERY.account}`;
  const seed: SandboxSeed = {
    ...scenario.seed,
    resources: [
      ...(scenario.seed.resources ?? []),
      {
        id: accountId,
        location: 'West Europe',
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS', tier: 'Standard' },
        properties: { provisioningState: 'Succeeded', accessTier: 'Hot', allowSharedKeyAccess: false },
      },
    ],
    storageContainers: [
      ...(scenario.seed.storageContainers ?? []),
      { account: DEMO_DELIVERY.account, container: DEMO_DELIVERY.container },
    ],
    roleAssignments: [
      ...(scenario.seed.roleAssignments ?? []),
      // The narrowest grant that works: the data role on the one container, not on the account.
      {
        principalId: app.objectId,
        scope: `${accountId}/blobServices/default/containers/${DEMO_DELIVERY.container}`,
        roleName: 'Storage Blob Data Contributor',
      },
    ],
  };
  const customers = scenario.customers.map((c) =>
    c === contoso
      ? {
          ...c,
          delivery: {
            blobServiceUrl: `${SANDBOX_STORAGE_ORIGIN}/${DEMO_DELIVERY.account}`,
            container: DEMO_DELIVERY.container,
          },
        }
      : c,
  );
  return { ...scenario, seed, customers };
}

/** Points delivery URLs that use SANDBOX_STORAGE_ORIGIN at the running storage front. */
export function resolveSandboxStorageUrls(customers: readonly CustomerInput[], storageUrl: string): CustomerInput[] {
  return customers.map((c) =>
    c.delivery?.blobServiceUrl.startsWith(SANDBOX_STORAGE_ORIGIN)
      ? {
          ...c,
          delivery: {
            ...c.delivery,
            blobServiceUrl: `${storageUrl}${c.delivery.blobServiceUrl.slice(SANDBOX_STORAGE_ORIGIN.length)}`,
          },
        }
      : c,
  );
}
