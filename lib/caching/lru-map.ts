/** CUSTOMER_CACHE_SIZE's default (lib/config/settings.ts), for stores built without the config (tests, CLI). */
export const DEFAULT_CACHED_CUSTOMERS = 200;

/**
 * A Map that keeps at most `capacity` entries: reading or writing a key makes it the most recent, and
 * a write beyond capacity drops the least recently used. It bounds the per-customer state one worker
 * process keeps (credentials with their token caches and ARM clients, secrets, metrics-access records),
 * which otherwise grows with every customer the process has ever collected. A JS Map iterates in
 * insertion order, so re-inserting on use is all the bookkeeping an LRU needs.
 */
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LruMap capacity must be a whole number of at least 1, got ${capacity}`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** The value (and marks it most recently used), or undefined when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }
}
