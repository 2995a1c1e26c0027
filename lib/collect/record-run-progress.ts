import { isAppError } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import type { RunRecord, RunStore } from '../store/run-store';
import type { CollectResult } from './collect-customer';
import type { CollectMessage } from './collect-message';
import { describeError } from '../logging/describe-error';
import type { TenantCalls } from '../export/count-tenant-calls';

/** host.json `extensions.queues.maxDequeueCount`: after this many failed attempts the message is poisoned. */
export const MAX_DEQUEUE_COUNT = 5;

/**
 * Attempts an error we cannot classify gets before it is recorded as the window's outcome: enough to ride
 * out a blip we have no name for, fewer than MAX_DEQUEUE_COUNT so it never reaches the poison queue.
 */
export const UNKNOWN_ERROR_ATTEMPTS = 3;

export interface RunProgress {
  /**
   * Records the attempt's start unless the run id belongs to another window (RunStore.start); @returns that
   * window's record then, having written nothing. Unlike the other writes its failure throws: it is also the
   * check that the message owns its run, which must not be skipped.
   */
  start(): Promise<RunRecord | undefined>;
  /** `calls`: what the attempt cost in the customer's tenant (countTenantCalls), recorded on the run. */
  finished(result: CollectResult, calls?: TenantCalls): Promise<void>;
  /** A thrown failure: the host retries (`retrying`) until the last attempt (`failed`). */
  threw(error: unknown, calls?: TenantCalls): Promise<void>;
}

/**
 * Records a worker attempt in the runs store. Progress is bookkeeping for ops: a failure to write it is
 * logged and never fails (or retries) a collection; only `start`, which is also the ownership check, throws.
 */
export function recordRunProgress(
  runs: RunStore,
  message: CollectMessage,
  dequeueCount: number,
  now: () => Date,
  log: Logger,
): RunProgress {
  const base = {
    runId: message.runId,
    customerId: message.customerId,
    trigger: message.trigger,
    windowStart: message.windowStart,
    windowEnd: message.windowEnd,
  };
  const attempts = Math.max(1, dequeueCount);
  const write = async (fields: Parameters<RunStore['record']>[0]): Promise<void> => {
    try {
      await runs.record(fields);
    } catch (error) {
      log.warn(`Could not record run progress: ${describeError(error)}`, {
        runId: message.runId,
        customerId: message.customerId,
        code: 'RunProgressNotRecorded',
      });
    }
  };
  return {
    start: () =>
      runs.start({
        ...base,
        status: 'running',
        startedAt: now().toISOString(),
        updatedAt: now().toISOString(),
        attempts,
      }),
    finished: (result, calls) =>
      write({
        ...base,
        ...callFields(calls),
        ...(result.resourcesReused ? { resourcesReused: result.resourcesReused } : {}),
        status: result.outcome === 'ok' ? 'succeeded' : result.outcome,
        finishedAt: now().toISOString(),
        updatedAt: now().toISOString(),
        datapointsWritten: result.datapointsWritten,
        ...(result.diagnosis ? { errorCode: result.diagnosis.code, errorMessage: result.diagnosis.cause } : {}),
      }),
    threw: (error, calls) => {
      const last = attempts >= MAX_DEQUEUE_COUNT;
      return write({
        ...base,
        ...callFields(calls),
        status: last ? 'failed' : 'retrying',
        updatedAt: now().toISOString(),
        ...(last ? { finishedAt: now().toISOString() } : {}),
        errorCode: isAppError(error) ? error.code : 'InternalError',
        errorMessage: isAppError(error) ? describeError(error) : 'Unexpected error; see the function logs',
      });
    },
  };
}

/**
 * The attempt's calls as run fields. Every field is written (0 when none) so an attempt's row never shows
 * an earlier attempt's numbers (the record is merged, and absent fields are kept).
 */
function callFields(calls: TenantCalls | undefined) {
  if (!calls) return {};
  return {
    calls: calls.calls,
    metricsCalls: calls.metricsCalls,
    throttledCalls: calls.throttledCalls ?? 0,
    metricsCost: calls.metricsCost ?? 0,
  };
}
