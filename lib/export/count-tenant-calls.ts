import { currentAuditRecorder } from '../audit/audit-recorder';

/** Calls into a customer's tenant during some work, as the access audit recorded them. */
export interface TenantCalls {
  calls: number;
  /** Azure Monitor metrics reads: the calls Azure bills for. */
  metricsCalls: number;
  /** Answers that were throttling (429, or the batch API's 529): each also counts in `calls`. */
  throttledCalls?: number;
  /** The `cost` Azure reported on metrics answers (Metrics_List has one; batch answers do not). */
  metricsCost?: number;
}

/**
 * Runs `work` and fills `into` with the calls it made, read from the audit recorder of the run in
 * progress (so it must run inside `withCustomerAudit`). `into` is filled whether `work` returns or
 * throws, so a failed attempt's run row counts its calls too.
 */
export async function countTenantCalls<T>(into: TenantCalls, work: () => Promise<T>): Promise<T> {
  const recorder = currentAuditRecorder();
  const before = recorder?.entries.length ?? 0;
  try {
    return await work();
  } finally {
    const entries = recorder?.entries.slice(before) ?? [];
    into.calls = entries.length;
    into.metricsCalls = entries.filter((e) => e.operation.startsWith('metrics')).length;
    into.throttledCalls = entries.filter((e) => e.status === 429 || e.status === 529).length;
    const costs = entries.flatMap((e) => (e.cost !== undefined ? [e.cost] : []));
    if (costs.length > 0) into.metricsCost = costs.reduce((sum, c) => sum + c, 0);
  }
}
