import type { TokenCredential } from '@azure/identity';
import { DEFAULT_CACHED_CUSTOMERS, LruMap } from '../caching/lru-map';
import type { Customer } from '../customers/customer';
import type { AdditionalPolicies } from '../resources/arm-clients';
import { createCustomerCredential, type CredentialSources } from './create-customer-credential';
import { createExchangeAssertion, TOKEN_EXCHANGE_SCOPE } from './create-exchange-assertion';
import type { CustomerSecret } from './customer-secret-reader';

/**
 * Credentials into customers' tenants, one per customer, reused across invocations while the auth
 * mode, ids and secret version are unchanged: MSAL's token cache lives in the credential instance,
 * so reuse means one token request per hour instead of one per run. A rotated secret (new version)
 * gets a fresh credential. At most `maxCustomers` are kept (least recently used dropped): each holds
 * an MSAL client and token cache, and its ARM clients live as long as it does (ArmClientFactory).
 */
export class CustomerCredentials {
  private readonly byCustomer: LruMap<string, { key: string; credential: TokenCredential }>;
  private readonly sources: CredentialSources;

  constructor(
    authorityHost: string,
    appIdentity: TokenCredential,
    additionalPolicies: AdditionalPolicies = [],
    tokenExchangeScope: string = TOKEN_EXCHANGE_SCOPE,
    maxCustomers = DEFAULT_CACHED_CUSTOMERS,
  ) {
    this.byCustomer = new LruMap(maxCustomers);
    // One exchange assertion for all federated customers: they share the app's one MI token.
    this.sources = {
      authorityHost,
      appIdentity,
      exchangeAssertion: createExchangeAssertion(appIdentity, Date.now, tokenExchangeScope),
      additionalPolicies,
    };
  }

  /** The customer's cached credential for this secret version (`secret` is undefined for secretless modes). */
  forCustomer(customer: Customer, secret?: CustomerSecret): TokenCredential {
    const key = cacheKey(customer, secret);
    const cached = this.byCustomer.get(customer.id);
    if (cached?.key === key) return cached.credential;
    const credential = this.create(customer, secret);
    this.byCustomer.set(customer.id, { key, credential });
    return credential;
  }

  /** A new, uncached credential (the connection test proves access now, not from a cached token). */
  create(customer: Customer, secret?: CustomerSecret): TokenCredential {
    return createCustomerCredential(customer, secret, this.sources);
  }

  /** True when a credential for exactly this secret version is cached (for tests and diagnostics). */
  isCached(customerId: string, secretVersion: string): boolean {
    return this.byCustomer.get(customerId)?.key.endsWith(`|${secretVersion}`) ?? false;
  }

  forget(customerId: string): void {
    this.byCustomer.delete(customerId);
  }

  /** Customers with a cached credential (never more than `maxCustomers`). */
  get size(): number {
    return this.byCustomer.size;
  }
}

function cacheKey(customer: Customer, secret: CustomerSecret | undefined): string {
  return `${customer.authMode}|${customer.tenantId}|${customer.clientId}|${secret?.version ?? 'no-secret'}`;
}
