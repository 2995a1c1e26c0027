import { defaultSecretName } from '../customers/customer';

/** The tag that names a Key Vault secret's customer (per version, read with the secret's properties). */
export const SECRET_OWNER_TAG = 'customerId';

/** Who a stored secret belongs to, as far as the vault says. */
export type SecretOwnership =
  | { readonly owned: true }
  | { readonly owned: false; readonly reason: 'otherCustomer'; readonly owner: string }
  | { readonly owned: false; readonly reason: 'untagged' };

/**
 * Whether the secret `name` with version tags `tags` is `customerId`'s. A secret is a customer's when its
 * current version carries `customerId=<id>` (every version the product writes does). Secrets stored by hand
 * before ownership existed have no tag: one at the product's own name for that customer
 * (`customer-<id>-secret`) is adopted as that customer's; any other name must be tagged first.
 */
export function secretOwnership(
  customerId: string,
  name: string,
  tags: Readonly<Record<string, string>> | undefined,
): SecretOwnership {
  const owner = tags?.[SECRET_OWNER_TAG];
  if (owner === customerId) return { owned: true };
  if (owner !== undefined) return { owned: false, reason: 'otherCustomer', owner };
  return name.toLowerCase() === defaultSecretName(customerId).toLowerCase()
    ? { owned: true }
    : { owned: false, reason: 'untagged' };
}
