import { needsKeyVaultSecret } from '../auth/needs-key-vault-secret';
import { secretOwnership } from '../auth/secret-ownership';
import type { OnboardingDependencies } from './onboarding-dependencies';

export interface RemovalResult {
  readonly customerId: string;
  /** True when the Key Vault secret was soft-deleted (recoverable for the vault's retention period). */
  readonly secretDeleted: boolean;
  /** Why a secret was left in place: it is not this customer's (another customer's tag, or untagged at a foreign name). */
  readonly secretKept?: string;
  /** Present with `purgeData`: what was deleted from our storage. */
  readonly purged?: { readonly datapoints: number; readonly snapshots: number };
}

/**
 * Offboards a customer: deletes the registration with its status, health and discovered-resource
 * list, soft-deletes its Key Vault secret
 * (recoverable, so a mistaken removal can be undone within the vault's retention), drops cached
 * credentials and, with `purgeData`, deletes its stored datapoints, their summaries and snapshots.
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
  const secret = needsKeyVaultSecret(customer.authMode)
    ? await softDeleteOwnSecret(deps, customer.id, customer.secretName)
    : { secretDeleted: false };
  if (!options.purgeData) return { customerId: id, ...secret };
  const datapoints = await deps.metricsTable.deleteCustomer(id);
  // The fleet summaries are derived from the datapoints: they go with them.
  await deps.summaries.removeCustomer(id);
  const snapshots = await deps.snapshots.deleteCustomer(id);
  return { customerId: id, ...secret, purged: { datapoints, snapshots } };
}

/** Soft-deletes the secret only when the vault says it is this customer's; anyone else's stays untouched. */
async function softDeleteOwnSecret(
  deps: OnboardingDependencies,
  customerId: string,
  name: string,
): Promise<{ secretDeleted: boolean; secretKept?: string }> {
  try {
    const live = await deps.secretClient.getSecret(name);
    const ownership = secretOwnership(customerId, name, live.properties.tags);
    if (!ownership.owned) {
      return {
        secretDeleted: false,
        secretKept:
          ownership.reason === 'otherCustomer'
            ? `${name} belongs to another customer`
            : `${name} has no customerId tag naming ${customerId}`,
      };
    }
    // The poller's first step sends the DELETE; waiting for the deleted state adds nothing here.
    await deps.secretClient.beginDeleteSecret(name);
    return { secretDeleted: true };
  } catch (error) {
    // Nothing to delete (never stored, or already deleted): removal still succeeds.
    if ((error as { statusCode?: unknown }).statusCode === 404) return { secretDeleted: false };
    throw error;
  }
}
