import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import type { Customer } from '../customers/customer';
import type { CustomerSecret } from './customer-secret-reader';

/**
 * Credentials into customers' tenants, one per customer, reused across invocations while the secret
 * version is unchanged: MSAL's token cache lives in the credential instance, so reuse means one token
 * request per hour instead of one per run. A rotated secret (new version) gets a fresh credential.
 */
export class CustomerCredentials {
  private readonly byCustomer = new Map<string, { key: string; credential: TokenCredential }>();

  constructor(private readonly authorityHost: string) {}

  /** The customer's credential for this secret version; the token is requested from the customer's tenant. */
  forCustomer(customer: Customer, secret: CustomerSecret): TokenCredential {
    const key = `${customer.tenantId}|${customer.clientId}|${secret.version}`;
    const cached = this.byCustomer.get(customer.id);
    if (cached?.key === key) return cached.credential;
    const credential = new ClientSecretCredential(customer.tenantId, customer.clientId, secret.value, {
      authorityHost: this.authorityHost,
      // Instance discovery calls the public cloud to validate the authority; our authority comes from
      // configuration (public, sovereign or sandbox), so we trust it rather than wait ~5 s for a failure.
      disableInstanceDiscovery: true,
    });
    this.byCustomer.set(customer.id, { key, credential });
    return credential;
  }

  /** True when a credential for exactly this secret version is cached (for tests and diagnostics). */
  isCached(customerId: string, secretVersion: string): boolean {
    return this.byCustomer.get(customerId)?.key.endsWith(`|${secretVersion}`) ?? false;
  }

  forget(customerId: string): void {
    this.byCustomer.delete(customerId);
  }
}
