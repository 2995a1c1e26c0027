import { AsyncLocalStorage } from 'node:async_hooks';

/** One call the product made into a customer's tenant. Never holds a token or secret. */
export interface AuditEntry {
  readonly customerId: string;
  /** The collection run, or `test-…` for an on-demand test run. */
  readonly runId: string;
  /** When the call started (ISO 8601). */
  readonly at: string;
  /** What was done, e.g. `token`, `resources.getById`, `metrics.list`, `metricDefinitions.list`. */
  readonly operation: string;
  readonly method: string;
  /** The resource id, or for Entra calls the tenant. */
  readonly resource: string;
  /** HTTP status; 0 when no response arrived (network, timeout). */
  readonly status: number;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly durationMs: number;
  /** Azure Monitor's `cost` of a Metrics_List answer (what the call was billed for), when it reported one. */
  readonly cost?: number;
}

/** Collects the audit entries of one customer's run in memory, to be written in one batch. */
export class AuditRecorder {
  readonly #entries: AuditEntry[] = [];

  constructor(
    readonly customerId: string,
    readonly runId: string,
  ) {}

  add(entry: Omit<AuditEntry, 'customerId' | 'runId'>): void {
    this.#entries.push({ customerId: this.customerId, runId: this.runId, ...entry });
  }

  get entries(): readonly AuditEntry[] {
    return this.#entries;
  }
}

const scope = new AsyncLocalStorage<AuditRecorder>();

/**
 * Runs `work` with `recorder` as the current audit recorder. SDK clients and credentials are cached
 * across runs, so the audit policy cannot hold a recorder itself; it asks for the current one, which
 * async context carries through every SDK call made inside `work`.
 */
export function runWithAudit<T>(recorder: AuditRecorder, work: () => Promise<T>): Promise<T> {
  return scope.run(recorder, work);
}

/** The recorder of the run in progress, if any. */
export function currentAuditRecorder(): AuditRecorder | undefined {
  return scope.getStore();
}
