/** A column of a DCR stream declaration (`properties.streamDeclarations.<stream>.columns[]`). */
export interface SandboxStreamColumn {
  readonly name: string;
  /** string, int, long, real, boolean, datetime or dynamic. */
  readonly type: string;
}

/** A data collection rule as the Logs Ingestion API sees it. */
export interface SandboxDataCollectionRule {
  /** `dcr-` + 32 hex digits: what the API path names. */
  readonly immutableId: string;
  /** ARM id of the rule: the scope a Monitoring Metrics Publisher assignment must cover. */
  readonly resourceId: string;
  /** Stream name (`Custom-…`) → its declared columns. */
  readonly streams: Readonly<Record<string, readonly SandboxStreamColumn[]>>;
}

/** One accepted call: what reached the rule's stream. */
export interface SandboxIngestedBatch {
  readonly ruleId: string;
  readonly stream: string;
  readonly rows: readonly Record<string, unknown>[];
  /** Bytes on the wire (gzip when the client compressed) and after inflating. */
  readonly wireBytes: number;
  readonly jsonBytes: number;
  readonly gzip: boolean;
  readonly at: Date;
}

/**
 * Azure Monitor service limits, "Logs Ingestion API" (learn.microsoft.com/azure/azure-monitor/
 * fundamentals/service-limits#logs-ingestion-api): 1 MB per call, compressed and uncompressed alike;
 * 12,000 requests per minute per DCR, beyond which the API answers 429 with `Retry-After`.
 */
export const MAX_INGESTION_CALL_BYTES = 1024 * 1024;
export const MAX_INGESTION_REQUESTS_PER_MINUTE = 12_000;

/** The Logs Ingestion side of the sandbox: rules, what they received, and their rate limit. */
export class SandboxLogsIngestion {
  readonly #rules = new Map<string, SandboxDataCollectionRule>();
  readonly #batches: SandboxIngestedBatch[] = [];
  readonly #requestTimes = new Map<string, number[]>();
  /** Per-rule request limit per minute; tests lower it to see the 429. */
  requestsPerMinute = MAX_INGESTION_REQUESTS_PER_MINUTE;

  addRule(rule: SandboxDataCollectionRule): SandboxDataCollectionRule {
    this.#rules.set(rule.immutableId.toLowerCase(), rule);
    return rule;
  }

  findRule(immutableId: string): SandboxDataCollectionRule | undefined {
    return this.#rules.get(immutableId.toLowerCase());
  }

  /** Counts a request against the rule's per-minute budget; returns seconds to wait when over it. */
  admit(immutableId: string, now: Date): number | undefined {
    const key = immutableId.toLowerCase();
    const since = now.getTime() - 60_000;
    const times = (this.#requestTimes.get(key) ?? []).filter((t) => t > since);
    if (times.length >= this.requestsPerMinute) {
      this.#requestTimes.set(key, times);
      return Math.max(1, Math.ceil(((times[0] ?? now.getTime()) + 60_000 - now.getTime()) / 1000));
    }
    times.push(now.getTime());
    this.#requestTimes.set(key, times);
    return undefined;
  }

  record(batch: SandboxIngestedBatch): void {
    this.#batches.push(batch);
  }

  /** Accepted calls, oldest first, optionally of one stream. */
  batches(stream?: string): readonly SandboxIngestedBatch[] {
    return stream ? this.#batches.filter((b) => b.stream === stream) : [...this.#batches];
  }

  /** Every row a stream received, in arrival order. */
  rows(stream: string): Record<string, unknown>[] {
    return this.batches(stream).flatMap((b) => b.rows);
  }

  clear(): void {
    this.#batches.length = 0;
    this.#requestTimes.clear();
  }
}
