import { isAppError } from '../errors/app-error';
import type { TenantCalls } from '../export/count-tenant-calls';
import type { RunOutcome } from '../export/to-export-rows';
import { describeError } from '../logging/describe-error';
import type { CollectResult } from './collect-customer';
import type { CollectMessage } from './collect-message';
import { MAX_DEQUEUE_COUNT } from './record-run-progress';

/** The analytics row of an attempt that returned (ok, failed for good, or skipped). */
export function runOutcomeOf(
  message: CollectMessage,
  attempt: number,
  result: CollectResult,
  calls: TenantCalls,
  health: HealthAfterRun | undefined,
  now: Date,
): RunOutcome {
  return {
    ...base(message, attempt, calls, health, now),
    outcome: result.outcome === 'ok' ? 'succeeded' : result.outcome,
    datapointsWritten: result.datapointsWritten,
    resourcesTotal: result.resources.length,
    resourcesFailed: result.resources.filter((r) => !r.ok).length,
    ...(result.diagnosis
      ? {
          errorStage: result.diagnosis.stage,
          errorCode: result.diagnosis.code,
          errorMessage: result.diagnosis.cause,
        }
      : {}),
  };
}

/** The analytics row of an attempt that threw: the host retries it, until the last attempt fails it. */
export function runOutcomeOfError(
  message: CollectMessage,
  attempt: number,
  error: unknown,
  calls: TenantCalls,
  health: HealthAfterRun | undefined,
  now: Date,
): RunOutcome {
  return {
    ...base(message, attempt, calls, health, now),
    outcome: attempt >= MAX_DEQUEUE_COUNT ? 'failed' : 'retrying',
    datapointsWritten: 0,
    resourcesTotal: 0,
    resourcesFailed: 0,
    errorCode: isAppError(error) ? error.code : 'InternalError',
    errorMessage: isAppError(error) ? describeError(error) : 'Unexpected error; see the function logs',
  };
}

/** The customer's health as evaluated right after the attempt (structurally a `StoredHealth`). */
type HealthAfterRun = {
  readonly state: string;
  readonly mustAct?: string;
  readonly secretExpiry: string;
  readonly secretExpiresOn?: string;
};

function base(
  message: CollectMessage,
  attempt: number,
  calls: TenantCalls,
  health: HealthAfterRun | undefined,
  now: Date,
) {
  return {
    customerId: message.customerId,
    runId: message.runId,
    attempt,
    trigger: message.trigger,
    windowStart: message.windowStart,
    windowEnd: message.windowEnd,
    endedAt: now.toISOString(),
    calls: calls.calls,
    metricsCalls: calls.metricsCalls,
    throttledCalls: calls.throttledCalls ?? 0,
    ...(calls.metricsCost !== undefined ? { metricsCost: calls.metricsCost } : {}),
    ...(health
      ? {
          health: {
            state: health.state,
            ...(health.mustAct ? { mustAct: health.mustAct } : {}),
            secretExpiry: health.secretExpiry,
            ...(health.secretExpiresOn ? { secretExpiresOn: health.secretExpiresOn } : {}),
          },
        }
      : {}),
  };
}
