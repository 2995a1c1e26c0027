import type { Services } from '../app/create-services';
import { withCustomerAudit } from '../audit/with-customer-audit';
import { admitQueuedMessage } from '../collect/admit-queued-message';
import type { CollectMessage } from '../collect/collect-message';
import { MAX_DEQUEUE_COUNT } from '../collect/record-run-progress';
import { AppError, isAppError } from '../errors/app-error';
import { countTenantCalls, type TenantCalls } from '../export/count-tenant-calls';
import { describeError } from '../logging/describe-error';
import type { Logger } from '../logging/logger';
import type { RunRecord } from '../store/run-store';
import { settleMessageFor, settleReadAt } from './plan-settle-read';
import { settleCustomerWindow, type SettleResult } from './settle-customer-window';

/**
 * After a run that stored provisional points: queues its settle read, invisible until every source's
 * ingestion delay has passed since the window closed. Bookkeeping like coverage: a failure to queue is
 * logged and never fails the run (the next scheduled run's look-back settles the same buckets, an hour later).
 */
export async function queueSettleRead(services: Services, message: CollectMessage, log: Logger): Promise<void> {
  const visibleAt = settleReadAt(new Date(message.windowEnd), services.settings.metricSources);
  try {
    const sent = await services.settleQueue.sendAt(settleMessageFor(message), visibleAt, services.now());
    await services.runs.record({
      runId: message.runId,
      customerId: message.customerId,
      windowStart: message.windowStart,
      settleStatus: 'queued',
      settleAt: visibleAt.toISOString(),
    });
    log.info(`Settle read of ${message.customerId} queued for ${visibleAt.toISOString()}`, {
      customerId: message.customerId,
      runId: message.runId,
      visibilityTimeoutSeconds: sent.visibilityTimeoutSeconds,
    });
  } catch (error) {
    log.warn(`Could not queue the settle read: ${describeError(error)}`, {
      customerId: message.customerId,
      runId: message.runId,
      code: 'SettleReadNotQueued',
    });
  }
}

/**
 * The queue handler's branch for `trigger: 'settle'`. The message must be a follow-up of a run this app
 * recorded: same run id, same window (so a forged or stray settle message cannot write under another run),
 * and pass the same window checks as any collect message. It never touches coverage, health or gap healing:
 * the window was collected already; only its points become final. Its calls into the tenant are counted on
 * the run's record (`settleCalls`) and audited under the run's id.
 */
export async function handleSettleMessage(
  services: Services,
  message: CollectMessage,
  log: Logger,
  dequeueCount: number,
): Promise<void> {
  if (!(await admitQueuedMessage(services, message, checkSettleOwnership, log, dequeueCount, 'settle'))) return;
  const calls: TenantCalls = { calls: 0, metricsCalls: 0 };
  const record = (fields: Partial<RunRecord>) =>
    services.runs
      .record({
        runId: message.runId,
        customerId: message.customerId,
        windowStart: message.windowStart,
        settleAt: services.now().toISOString(),
        settleCalls: calls.calls,
        ...fields,
      })
      .catch((error: unknown) =>
        log.warn(`Could not record the settle read: ${describeError(error)}`, {
          runId: message.runId,
          customerId: message.customerId,
          code: 'RunProgressNotRecorded',
        }),
      );
  let result: SettleResult;
  try {
    // The run's own collection prunes the audit when its window is due (prunesAuditRetention): a follow-up never does.
    result = await withCustomerAudit(
      services,
      message.customerId,
      message.runId,
      log,
      () => countTenantCalls(calls, () => settleCustomerWindow(message, services)),
      { prune: false },
    );
  } catch (error) {
    const code = isAppError(error) ? error.code : 'InternalError';
    await record({ settleStatus: dequeueCount >= MAX_DEQUEUE_COUNT ? 'failed' : 'retrying', settleErrorCode: code });
    throw error;
  }
  await record({
    settleStatus: result.outcome,
    settleStillProvisional: result.stillProvisional,
    ...(result.diagnosis ? { settleErrorCode: result.diagnosis.code } : {}),
  });
  // The analytics copy gets the settled points too (newer ExportedAt: the queries' arg_max keeps them), so Log
  // Analytics is final as soon as the table is, not an hour later with the next run's look-back. Our own call,
  // after the tenant's: it never throws (a failure leaves a pending marker the customer's next run sends).
  const reread = result.reread?.filter((r) => r.datapoints.length > 0) ?? [];
  if (reread.length > 0) {
    await services.analytics?.exportCollection(
      { customerId: message.customerId, runId: message.runId, attempt: SETTLE_EXPORT_ATTEMPT, resources: reread },
      log,
    );
  }
  const properties = {
    customerId: message.customerId,
    runId: message.runId,
    outcome: result.outcome,
    resources: result.resources,
    datapoints: result.datapointsWritten,
    stillProvisional: result.stillProvisional,
    calls: calls.calls,
    metricsCalls: calls.metricsCalls,
    ...(result.diagnosis ? { code: result.diagnosis.code } : {}),
  };
  if (result.outcome === 'failed') log.warn(`Settle read of ${message.customerId} failed`, properties);
  else log.info(`Settle read of ${message.customerId}: ${result.outcome}`, properties);
}

/** `Attempt` of the rows a settle read exports: the run's own attempts count from 1. */
export const SETTLE_EXPORT_ATTEMPT = 0;

/** A settle message belongs to a run the worker recorded for the same customer and window. */
export function checkSettleOwnership(message: CollectMessage, run: RunRecord | undefined): AppError | undefined {
  if (run && run.windowStart === message.windowStart && run.windowEnd === message.windowEnd) return undefined;
  return new AppError({
    kind: 'validation',
    code: run ? 'RunRecordConflict' : 'SettleWithoutRun',
    message: run
      ? `Settle message for ${message.customerId} names run ${message.runId}, which collects ` +
        `${run.windowStart}/${run.windowEnd}, not ${message.windowStart}/${message.windowEnd}`
      : `Settle message for ${message.customerId} names run ${message.runId}, which has no record for this customer`,
  });
}
