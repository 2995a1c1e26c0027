import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  type TokenCredential,
} from '@azure/identity';
import type { Customer } from '../customers/customer';
import type { AdditionalPolicies } from '../resources/arm-clients';
import { AppError } from '../errors/app-error';
import type { CustomerSecret } from './customer-secret-reader';

/** What every customer credential is built from, besides the customer and its Key Vault secret. */
export interface CredentialSources {
  /** Entra ID authority host (public, sovereign or the sandbox). */
  readonly authorityHost: string;
  /** The app's own managed identity in the provider's (home) tenant. */
  readonly appIdentity: TokenCredential;
  /** The MI token for `api://AzureADTokenExchange` (see createExchangeAssertion). */
  readonly exchangeAssertion: () => Promise<string>;
  /** Pipeline policies for the credential's own HTTP calls into the customer's tenant (the access audit). */
  readonly additionalPolicies?: AdditionalPolicies;
}

/**
 * The ONE place that turns a customer's auth mode into a credential. Every mode except
 * Lighthouse requests its token from the customer's tenant; Lighthouse uses the app's own
 * identity because the customer delegated its subscriptions to the provider's tenant.
 * @param secret the Key Vault secret for `clientSecret` (the value) and `certificate` (PEM
 *   certificate + private key); ignored by the secretless modes.
 */
export function createCustomerCredential(
  customer: Customer,
  secret: CustomerSecret | undefined,
  sources: CredentialSources,
): TokenCredential {
  const options = {
    authorityHost: sources.authorityHost,
    // Instance discovery calls the public cloud to validate the authority; our authority comes from
    // configuration (public, sovereign or sandbox), so we trust it rather than wait ~5 s for a failure.
    disableInstanceDiscovery: true,
    additionalPolicies: [...(sources.additionalPolicies ?? [])],
  };
  switch (customer.authMode) {
    case 'clientSecret':
      return new ClientSecretCredential(customer.tenantId, customer.clientId, requireSecret(customer, secret), options);
    case 'certificate':
      return new ClientCertificateCredential(
        customer.tenantId,
        customer.clientId,
        { certificate: requireSecret(customer, secret) },
        options,
      );
    case 'federatedIdentity':
      return new ClientAssertionCredential(customer.tenantId, customer.clientId, sources.exchangeAssertion, options);
    // Lighthouse: the home-tenant token is right for delegated subscriptions. managedIdentity: the same
    // token used directly, which another tenant cannot resolve (diagnosis explains it).
    case 'lighthouse':
    case 'managedIdentity':
      return sources.appIdentity;
    default:
      return assertNever(customer.authMode);
  }
}

function requireSecret(customer: Customer, secret: CustomerSecret | undefined): string {
  if (secret) return secret.value;
  throw new AppError({
    kind: 'internal',
    code: 'SecretMissing',
    message: `Customer ${customer.id} uses ${customer.authMode} but no Key Vault secret was read`,
  });
}

function assertNever(mode: never): never {
  throw new AppError({
    kind: 'internal',
    code: 'UnknownAuthMode',
    message: `No credential for auth mode ${String(mode)}`,
  });
}
