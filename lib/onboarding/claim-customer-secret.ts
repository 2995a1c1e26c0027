import type { SecretClient, SecretProperties } from '@azure/keyvault-secrets';
import { isDisabledSecretError } from '../diagnose/key-vault-errors';
import { secretOwnership, type SecretOwnership } from '../auth/secret-ownership';
import type { Customer } from '../customers/customer';
import { AppError } from '../errors/app-error';

/** What the vault held under the customer's secret name before we write or read it. */
export type SecretSlot = 'absent' | 'live' | 'recovered';

/**
 * Makes sure the customer's secret name is the customer's to use, before anything is written:
 * - a live secret must carry this customer's ownership tag (else 403 `SecretOwnedByAnotherCustomer`,
 *   or 409 `SecretNotTagged` for an untagged secret at a name the product did not give it);
 * - a soft-deleted secret of the same customer is recovered (Key Vault answers a write to a deleted name
 *   with 409 ObjectIsDeletedButRecoverable, so re-onboarding and rotation would otherwise fail); one of
 *   another customer is never touched (403); when recovery is refused the 409 says exactly why.
 * @returns what was there: nothing, a live secret, or a deleted one now recovered.
 */
export async function claimCustomerSecret(client: SecretClient, customer: Customer): Promise<SecretSlot> {
  const name = customer.secretName;
  const readOrUndefined = <T>(read: () => Promise<T>) => readVault(read, customer);
  const live = await readOrUndefined(() => readLiveProperties(client, name));
  if (live) {
    refuseUnlessOwned(customer, secretOwnership(customer.id, name, live.tags));
    return 'live';
  }
  const deleted = await readOrUndefined(() => client.getDeletedSecret(name));
  if (!deleted) return 'absent';
  refuseUnlessOwned(customer, secretOwnership(customer.id, name, deleted.properties.tags));
  try {
    const poller = await client.beginRecoverDeletedSecret(name);
    await poller.pollUntilDone();
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    throw new AppError({
      kind: 'conflict',
      code: 'SecretDeletedButRecoverable',
      message:
        `Key Vault secret ${name} of customer ${customer.id} is deleted but recoverable, and recovering it failed` +
        (status === 403
          ? ": the app's identity lacks the recover permission (Key Vault Secrets Officer on the vault). Recover it with `az keyvault secret recover --vault-name <vault> --name " +
            name +
            '`, then retry.'
          : ` (HTTP ${String(status ?? 'no response')}). Recover it with \`az keyvault secret recover\`, then retry.`),
      cause: error,
      details: { secretName: name },
    });
  }
  return 'recovered';
}

/**
 * The live secret's current properties (tags above all). A disabled current version cannot be read
 * (403 SecretDisabled), yet rotating it is exactly what the provider may be doing: its properties then
 * come from the version list, which carries tags but never values.
 */
async function readLiveProperties(client: SecretClient, name: string): Promise<SecretProperties> {
  try {
    return (await client.getSecret(name)).properties;
  } catch (error) {
    if (!isDisabledSecretError(error)) throw error;
    let newest: SecretProperties | undefined;
    for await (const version of client.listPropertiesOfSecretVersions(name)) {
      if (!newest || (version.createdOn?.getTime() ?? 0) >= (newest.createdOn?.getTime() ?? 0)) newest = version;
    }
    if (!newest) throw error;
    return newest;
  }
}

function refuseUnlessOwned(customer: Customer, ownership: SecretOwnership): void {
  if (ownership.owned) return;
  if (ownership.reason === 'otherCustomer') {
    throw new AppError({
      kind: 'forbidden',
      code: 'SecretOwnedByAnotherCustomer',
      message: `Key Vault secret ${customer.secretName} belongs to another customer; customer ${customer.id} cannot use, overwrite or delete it. Leave out secretName to use the product's own name for this customer.`,
      details: { secretName: customer.secretName },
    });
  }
  throw new AppError({
    kind: 'conflict',
    code: 'SecretNotTagged',
    message: `Key Vault secret ${customer.secretName} carries no customerId tag, so it cannot be shown to be customer ${customer.id}'s. If it is, tag it (az keyvault secret set-attributes --vault-name <vault> --name ${customer.secretName} --tags customerId=${customer.id}) and retry; otherwise leave out secretName.`,
    details: { secretName: customer.secretName },
  });
}

/**
 * The call's result, or undefined on Key Vault's 404 (no such secret / no such deleted secret). A 403 means
 * the app's identity lacks a data action (reading deleted secrets needs Key Vault Secrets Officer): a
 * deployment defect, reported with the role to assign rather than as an anonymous 500.
 */
async function readVault<T>(read: () => Promise<T>, customer: Customer): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 404) return undefined;
    if (status === 403) {
      throw new AppError({
        kind: 'internal',
        code: 'KeyVaultPermissionMissing',
        message: `The app's identity may not inspect Key Vault secret ${customer.secretName} (live or deleted), so its ownership cannot be checked: assign it Key Vault Secrets Officer on the vault.`,
        cause: error,
      });
    }
    throw error;
  }
}
