import type { Logger } from '../logging/logger';
import { AuditRecorder, runWithAudit } from './audit-recorder';
import type { AuditStore } from './audit-store';
import { flushAudit } from './flush-audit';

export interface AuditDependencies {
  readonly audit: AuditStore;
  readonly config: { readonly auditRetentionDays: number };
  readonly now: () => Date;
}

/**
 * Runs `work` (a collection or a test run of one customer) with an audit recorder, then writes what
 * it recorded in one batch, whether `work` succeeded or threw. Audit failures are logged only.
 * `options.prune: false` skips dropping the customer's entries past retention this time (see prunesAuditRetention).
 */
export async function withCustomerAudit<T>(
  deps: AuditDependencies,
  customerId: string,
  runId: string,
  log: Logger,
  work: () => Promise<T>,
  options: { readonly prune?: boolean } = {},
): Promise<T> {
  const recorder = new AuditRecorder(customerId, runId);
  try {
    return await runWithAudit(recorder, work);
  } finally {
    const retentionDays = options.prune === false ? undefined : deps.config.auditRetentionDays;
    await flushAudit(deps.audit, recorder, retentionDays, deps.now(), log);
  }
}
