import type { SecretClient } from '@azure/keyvault-secrets';
import { DEFAULT_CACHED_CUSTOMERS, LruMap } from '../caching/lru-map';
import { AppError } from '../errors/app-error';
import { secretOwnership } from './secret-ownership';

/** The customer a secret is read for: its id (the owner the secret's tag must name) and secret name. */
export interface SecretOwner {
  readonly id: string;
  readonly secretName: string;
}

/** A customer's client secret as read from Key Vault. `value` must never be logged or stored. */
export interface CustomerSecret {
  readonly value: string;
  /** Key Vault version id: a change means the secret was rotated. */
  readonly version: string;
  readonly expiresOn?: Date;
}

/**
 * Reads customer secrets from the provider's Key Vault with the app's managed identity, with a
 * short in-process cache: Key Vault allows ~4,000 GETs per 10 s per vault, and a test run plus a
 * collection for the same customer need not read twice. The TTL is short so a rotation is seen
 * within a minute without a restart. At most `maxSecrets` are kept (least recently used dropped), so
 * the values of customers collected long ago do not stay in the process.
 */
export class CustomerSecretReader {
  private readonly cache: LruMap<string, { secret: CustomerSecret; ownerId: string; readAt: number }>;

  constructor(
    private readonly client: SecretClient,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    maxSecrets = DEFAULT_CACHED_CUSTOMERS,
  ) {
    this.cache = new LruMap(maxSecrets);
  }

  /** Secrets held in memory (never more than `maxSecrets`). */
  get size(): number {
    return this.cache.size;
  }

  /**
   * The customer's secret, only when the vault says it is that customer's (its `customerId` tag, or an
   * untagged secret at the product's own name for the customer): a registration that names another
   * customer's secret gets `SecretNotOwned`, never the value.
   */
  async read(owner: SecretOwner, abortSignal?: AbortSignal): Promise<CustomerSecret> {
    const { secretName } = owner;
    const cached = this.cache.get(secretName);
    if (cached && cached.ownerId === owner.id && this.now() - cached.readAt < this.ttlMs) return cached.secret;
    const bundle = await this.client.getSecret(secretName, abortSignal ? { abortSignal } : {});
    const ownership = secretOwnership(owner.id, secretName, bundle.properties.tags);
    if (!ownership.owned) {
      throw new AppError({
        kind: 'customerAccess',
        code: 'SecretNotOwned',
        message:
          ownership.reason === 'otherCustomer'
            ? `Key Vault secret ${secretName} belongs to another customer, not to ${owner.id}`
            : `Key Vault secret ${secretName} has no customerId tag and is not ${owner.id}'s own name`,
      });
    }
    if (!bundle.value) {
      throw new AppError({
        kind: 'customerAccess',
        code: 'SecretEmpty',
        message: `Key Vault secret ${secretName} has no value`,
      });
    }
    const secret: CustomerSecret = {
      value: bundle.value,
      version: bundle.properties.version ?? 'unversioned',
      ...(bundle.properties.expiresOn ? { expiresOn: bundle.properties.expiresOn } : {}),
    };
    this.cache.set(secretName, { secret, ownerId: owner.id, readAt: this.now() });
    return secret;
  }

  /** The cached secret when one is still fresh, without calling Key Vault (undefined otherwise). */
  cached(secretName: string): CustomerSecret | undefined {
    const cached = this.cache.get(secretName);
    return cached && this.now() - cached.readAt < this.ttlMs ? cached.secret : undefined;
  }

  /** Forgets a cached secret (after a rotation through our own API). */
  forget(secretName: string): void {
    this.cache.delete(secretName);
  }
}
