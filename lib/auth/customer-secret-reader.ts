import type { SecretClient } from '@azure/keyvault-secrets';
import { AppError } from '../errors/app-error';

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
 * within a minute without a restart.
 */
export class CustomerSecretReader {
  private readonly cache = new Map<string, { secret: CustomerSecret; readAt: number }>();

  constructor(
    private readonly client: SecretClient,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async read(secretName: string, abortSignal?: AbortSignal): Promise<CustomerSecret> {
    const cached = this.cache.get(secretName);
    if (cached && this.now() - cached.readAt < this.ttlMs) return cached.secret;
    const bundle = await this.client.getSecret(secretName, abortSignal ? { abortSignal } : {});
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
    this.cache.set(secretName, { secret, readAt: this.now() });
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
