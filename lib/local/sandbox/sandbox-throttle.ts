/**
 * Azure's request limits, as the sandbox enforces them.
 *
 * ARM (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling,
 * "Regional throttling and token bucket algorithm"): since 2024 reads are limited per subscription and
 * service principal by a token bucket of 250 with a refill of 25 per second (tenant-level reads alike);
 * the remaining reads come back in `x-ms-ratelimit-remaining-subscription-reads`
 * (`x-ms-ratelimit-remaining-tenant-reads`), and a throttled request gets 429 with `Retry-After`.
 * The same page names `*\/providers/microsoft.insights/metrics` as the usual cause and getBatch as the cure.
 *
 * Resource Graph (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests):
 * a quota per user and time window, "at most 15 queries within every 5-second window", reported in
 * `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` (hh:mm:ss).
 */
export interface TokenBucketLimits {
  readonly burst: number;
  readonly refillPerSecond: number;
}

export const ARM_READ_LIMITS: TokenBucketLimits = { burst: 250, refillPerSecond: 25 };

export interface QuotaWindowLimits {
  readonly queries: number;
  readonly windowMs: number;
}

export const RESOURCE_GRAPH_LIMITS: QuotaWindowLimits = { queries: 15, windowMs: 5000 };

export type ThrottleDecision =
  { readonly ok: true; readonly remaining: number } | { readonly ok: false; readonly retryAfterSeconds: number };

/** One token bucket per key (principal × subscription): a request takes a token or is refused. */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(public limits: TokenBucketLimits = ARM_READ_LIMITS) {}

  take(key: string, nowMs: number): ThrottleDecision {
    const { burst, refillPerSecond } = this.limits;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * refillPerSecond);
    bucket.at = nowMs;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) };
    }
    bucket.tokens -= 1;
    return { ok: true, remaining: Math.floor(bucket.tokens) };
  }

  /** Forgets every bucket (all full again). */
  reset(): void {
    this.#buckets.clear();
  }
}

/** A fixed quota per key and window (Resource Graph's per-user query quota). */
export class QuotaWindows {
  readonly #windows = new Map<string, { used: number; startedAt: number }>();

  constructor(public limits: QuotaWindowLimits = RESOURCE_GRAPH_LIMITS) {}

  take(key: string, nowMs: number): ThrottleDecision & { readonly resetsAfterMs: number } {
    const { queries, windowMs } = this.limits;
    let window = this.#windows.get(key);
    if (!window || nowMs - window.startedAt >= windowMs) {
      window = { used: 0, startedAt: nowMs };
      this.#windows.set(key, window);
    }
    const resetsAfterMs = window.startedAt + windowMs - nowMs;
    if (window.used >= queries) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(resetsAfterMs / 1000)), resetsAfterMs };
    }
    window.used += 1;
    return { ok: true, remaining: queries - window.used, resetsAfterMs };
  }

  reset(): void {
    this.#windows.clear();
  }
}

/** `hh:mm:ss`, the format of `x-ms-user-quota-resets-after`. */
export function formatQuotaReset(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
