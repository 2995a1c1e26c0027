import type { Logger } from '../logging/logger';
import type { AuditRecorder } from './audit-recorder';
import type { AuditStore } from './audit-store';
import { describeError } from '../logging/describe-error';

const DAY_MS = 86_400_000;

/**
 * Writes a run's audit entries and drops the customer's entries older than the retention (without
 * `retentionDays`, only writes). An audit failure is logged, never thrown: it must not fail (and so retry) a
 * collection.
 */
export async function flushAudit(
  store: AuditStore,
  recorder: AuditRecorder,
  retentionDays: number | undefined,
  now: Date,
  log: Logger,
): Promise<void> {
  if (recorder.entries.length === 0) return;
  try {
    await store.write(recorder.entries);
    if (retentionDays !== undefined) {
      await store.prune(recorder.customerId, new Date(now.getTime() - retentionDays * DAY_MS));
    }
  } catch (error) {
    log.error(`Audit write failed for ${recorder.customerId}: ${describeError(error)}`, {
      customerId: recorder.customerId,
      runId: recorder.runId,
      code: 'AuditWriteFailed',
      entries: recorder.entries.length,
    });
  }
}
