import { needsKeyVaultSecret } from '../auth/needs-key-vault-secret';
import type { OnboardingDependencies } from './onboarding-dependencies';

export interface RemovalResult {
  readonly customerId: string;
  /** True when the Key Vault secret was soft-deleted (recoverable for the vault's retention period). */
  readonly secretDeleted: boolean;
  /** Present with `purgeData`: what was deleted from our storage. */
  readonly purged?: { readonly datapoints: number; readonly snapshots: number };
}

/**
 * Offboards a customer: deletes the registration with its status, health and discovered-resource
 * list, soft-deletes its Key Vault secret
 * (recoverable, so a mistaken removal can be undone within the vault's retention), drops cached
 * credentials and, with `purgeData`, deletes its stored datapoints and snapshots.
 * @throws a notFound AppError when the customer is not registered.
 */
export async function removeCustomer(
  deps: OnboardingDependencies,
  id: string,
  options: { readonly purgeData?: boolean } = {},
): Promise<RemovalResult> {
  const customer = await deps.registry.get(id);
  await deps.registry.remove(id);
  // Everything derived from the registration goes with it; collected data only with purgeData.
  await Promise.all([deps.statuses.remove(id), deps.health.remove(id), deps.discovery.forget(id)]);
  deps.credentials.forget(id);
  deps.secrets.forget(customer.secretName);
  const secretDeleted = needsKeyVaultSecret(customer.authMode)
    ? await softDeleteSecret(deps, customer.secretName)
    : false;
  if (!options.purgeData) return { customerId: id, secretDeleted };
  const datapoints = await deps.metricsTable.deleteCustomer(id);
  const snapshots = await deps.snapshots.deleteCustomer(id);
  return { customerId: id, secretDeleted, purged: { datapoints, snapshots } };
}

async function softDeleteSecret(deps: OnboardingDependencies, name: string): Promise<boolean> {
  try {
    // The poller's first step sends the DELETE; waiting for the deleted state adds nothing here.
    await deps.secretClient.beginDeleteSecret(name);
    return true;
  } catch (error) {
    // Nothing to delete (never stored, or already deleted): removal still succeeds.
    if ((error as { statusCode?: unknown }).statusCode === 404) return false;
    throw error;
  }
}
