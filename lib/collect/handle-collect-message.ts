import type { InvocationContext } from '@azure/functions';
import type { Services } from '../app/create-services';
import { withCustomerAudit } from '../audit/with-customer-audit';
import { prunesAuditRetention } from '../audit/audit-retention';
import { isAppError } from '../errors/app-error';
import { updateCustomerHealthSafely } from '../health/update-customer-health';
import { collectQueueOutput } from '../app/bindings';
import { contextLogger, type Logger } from '../logging/logger';
import { planGapHealing, recordWindowOutcome } from './track-coverage';
import type { CoverageSummary } from '../store/coverage-store';
import type { Customer } from '../customers/customer';
import { AppError } from '../errors/app-error';
import { collectCustomer, type CollectResult } from './collect-customer';
import { checkRunOwnership } from './check-collect-message';
import { admitQueuedMessage } from './admit-queued-message';
import { parseCollectMessage, type CollectMessage } from './collect-message';
import { MAX_DEQUEUE_COUNT, recordRunProgress, UNKNOWN_ERROR_ATTEMPTS } from './record-run-progress';
import { describeError } from '../logging/describe-error';
import { countTenantCalls, type TenantCalls } from '../export/count-tenant-calls';
import { runOutcomeOf, runOutcomeOfError } from './run-outcome-of';
import { handleSettleMessage, queueSettleRead } from '../settle/handle-settle-message';

/**
 * Queue handler. A malformed message (bad shape, a window that is not one schedule interval, not yet
 * closed or beyond retention, or a run id that belongs to another window) is logged and dropped
 * (retrying cannot fix it); a transient
 * failure throws so the host retries and finally poisons; a permanent customer failure is recorded
 * by the collector and returns normally, so it is not retried five times; an unknown failure is
 * retried until UNKNOWN_ERROR_ATTEMPTS (the dequeue count says which attempt this is), then recorded.
 */
export async function handleCollectMessage(
  services: Services,
  input: unknown,
  context: InvocationContext,
): Promise<void> {
  const log = contextLogger(context);
  let message: CollectMessage;
  try {
    message = parseCollectMessage(input);
  } catch (error) {
    const code = isAppError(error) ? error.code : 'InvalidQueueMessage';
    log.error(`Dropping invalid queue message: ${describeError(error)}`, {
      code,
      dequeueCount: Number(context.triggerMetadata?.dequeueCount ?? 0),
    });
    return;
  }
  await services.ensureStorage();
  const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
  // A run's delayed follow-up: metrics only, under the run's own id (lib/settle).
  if (message.trigger === 'settle') return handleSettleMessage(services, message, log, dequeueCount);
  const progress = recordRunProgress(services.runs, message, dequeueCount, services.now, log);
  // The ownership check and the attempt's start are one conditional write when the run is new (RunStore.start).
  const admitted = await admitQueuedMessage(services, message, checkRunOwnership, log, dequeueCount, 'queue', () =>
    progress.start(),
  );
  if (!admitted) return;
  let customer: Customer | undefined;
  let result: Awaited<ReturnType<typeof collectCustomer>>;
  const calls: TenantCalls = { calls: 0, metricsCalls: 0, throttledCalls: 0 };
  try {
    // The registry is read once per message: the collection and the health update after it share this read.
    customer = await services.registry.find(message.customerId);
    result = await withCustomerAudit(
      services,
      message.customerId,
      message.runId,
      log,
      () => countTenantCalls(calls, () => collectCustomer(message, services, log, dequeueCount, { customer })),
      { prune: prunesAuditRetention(message) },
    );
  } catch (error) {
    await progress.threw(error, calls);
    // A retried attempt is not the window's outcome: health, coverage and their events wait for the last one.
    let health: Awaited<ReturnType<typeof updateCustomerHealthSafely>>;
    if (dequeueCount >= MAX_DEQUEUE_COUNT) {
      const code = isAppError(error) ? error.code : 'InternalError';
      await bookkeep(log, message, () => recordWindowOutcome(services, message, 'missed', code));
      health = customer && (await updateCustomerHealthSafely(services, customer, log));
    }
    await services.analytics?.exportRun(
      runOutcomeOfError(message, dequeueCount, error, calls, health, services.now()),
      log,
    );
    throw error;
  }
  if (shouldRetryUnknown(result, dequeueCount)) {
    const retry = unknownErrorRetry(result, dequeueCount);
    await progress.threw(retry, calls);
    await services.analytics?.exportRun(
      runOutcomeOfError(message, dequeueCount, retry, calls, undefined, services.now()),
      log,
    );
    throw retry;
  }
  await progress.finished(result, calls);
  let coverage: CoverageSummary | undefined;
  if (result.outcome !== 'skipped') {
    const state = result.outcome === 'ok' ? 'collected' : 'missed';
    await bookkeep(log, message, async () => {
      coverage = await recordWindowOutcome(services, message, state, result.diagnosis?.code);
    });
  }
  // The customer works (again): queue the windows it missed, oldest first, within its budget.
  if (result.outcome === 'ok' && message.trigger === 'schedule') {
    await bookkeep(log, message, async () => {
      const backfill = await planGapHealing(services, message, coverage);
      if (backfill.length === 0) return;
      context.extraOutputs.set(collectQueueOutput, backfill);
      log.info(`Gap healing: queued ${backfill.length} missed window(s) of ${message.customerId}, oldest first`, {
        customerId: message.customerId,
        runId: message.runId,
        windows: backfill.length,
        oldest: backfill[0]?.windowStart,
      });
    });
  }
  // Read on time, the newest buckets were still filling: read them once more when the source has settled.
  if (services.config.settleReadEnabled && result.outcome !== 'skipped' && (result.provisionalDatapoints ?? 0) > 0) {
    await queueSettleRead(services, message, log);
  }
  const health = customer && (await updateCustomerHealthSafely(services, customer, log, result.status));
  await services.analytics?.exportRun(runOutcomeOf(message, dequeueCount, result, calls, health, services.now()), log);
}

/** Coverage is bookkeeping: a failure to write it is logged and never fails (or retries) a collection. */
async function bookkeep(log: Logger, message: CollectMessage, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    log.warn(`Could not update coverage: ${describeError(error)}`, {
      runId: message.runId,
      customerId: message.customerId,
      code: 'CoverageNotRecorded',
    });
  }
}

function shouldRetryUnknown(result: CollectResult, dequeueCount: number): boolean {
  return (
    result.outcome === 'failed' && result.diagnosis?.failureClass === 'unknown' && dequeueCount < UNKNOWN_ERROR_ATTEMPTS
  );
}

function unknownErrorRetry(result: CollectResult, dequeueCount: number): AppError {
  const diagnosis = result.diagnosis;
  return new AppError({
    kind: 'transient',
    code: diagnosis?.code ?? 'UnknownError',
    message:
      `Unrecognised failure collecting ${result.customerId} at ${diagnosis?.stage ?? 'unknown stage'} ` +
      `(attempt ${dequeueCount} of ${UNKNOWN_ERROR_ATTEMPTS}): ${diagnosis?.rawMessage ?? ''}`,
  });
}
