import type { TokenCredential } from '@azure/identity';
import type { Customer } from '../customers/customer';
import type { CustomerCredentials } from './customer-credentials';
import type { CustomerSecret, CustomerSecretReader } from './customer-secret-reader';
import { needsKeyVaultSecret } from './needs-key-vault-secret';

export interface CredentialSources {
  readonly secrets: CustomerSecretReader;
  readonly credentials: CustomerCredentials;
  readonly settings: { readonly httpTimeoutMs: number };
}

/**
 * The customer's secret from Key Vault (secretless modes have none) and the credential for its tenant: the
 * first two stages of every read into a customer tenant. `keepSecret` receives the secret as soon as it is
 * read, so a caller can redact it from the diagnosis even when building the credential then fails.
 */
export async function openCustomerCredential(
  customer: Customer,
  sources: CredentialSources,
  keepSecret: (secret: CustomerSecret) => void,
): Promise<TokenCredential> {
  let secret: CustomerSecret | undefined;
  // Secretless modes (federated identity, Lighthouse) have nothing in Key Vault to read.
  if (needsKeyVaultSecret(customer.authMode)) {
    secret = await sources.secrets.read(customer, AbortSignal.timeout(sources.settings.httpTimeoutMs));
    keepSecret(secret);
  }
  return sources.credentials.forCustomer(customer, secret);
}
