import type { Services } from '../app/create-services';
import type { AppError } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import type { RunRecord } from '../store/run-store';
import { checkCollectMessage } from './check-collect-message';
import type { CollectMessage } from './collect-message';

/** Whether a message may write under the run it names, given that run's record (undefined: none yet). */
export type RunOwnershipCheck = (message: CollectMessage, run: RunRecord | undefined) => AppError | undefined;

/**
 * The worker's check-and-drop step, the same for collect and settle messages: the window must be one
 * closed schedule interval within retention, and only then (a storage read spared for a bad window) the
 * message must own the run record it names. A rejected message is logged as `Dropping <kind> message` and
 * dropped: retrying cannot fix it. `findRun` gives the record to check (default: read it); the collect worker's
 * records its start at the same time (RunStore.start: the record only when it is another window's).
 * @returns true when the message may run.
 */
export async function admitQueuedMessage(
  services: Pick<Services, 'config' | 'now' | 'runs'>,
  message: CollectMessage,
  checkOwnership: RunOwnershipCheck,
  log: Logger,
  dequeueCount: number,
  kind: 'queue' | 'settle',
  findRun: () => Promise<RunRecord | undefined> = () => services.runs.find(message.runId, message.customerId),
): Promise<boolean> {
  const rejected =
    checkCollectMessage(message, {
      schedule: services.config.collectSchedule,
      now: services.now(),
      retentionDays: services.config.metricsRetentionDays,
    }) ?? checkOwnership(message, await findRun());
  if (!rejected) return true;
  log.error(`Dropping ${kind} message: ${rejected.message}`, {
    code: rejected.code,
    runId: message.runId,
    customerId: message.customerId,
    dequeueCount,
  });
  return false;
}
