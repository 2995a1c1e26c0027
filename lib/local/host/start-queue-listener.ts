import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import { ensureError } from '../../errors/app-error';
import type { HostSettings } from './read-host-json';

export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type HostLog = (level: HostLogLevel, message: string, props?: Record<string, unknown>) => void;

export interface QueueListenerOptions {
  readonly functionName: string;
  readonly queue: QueueClient;
  readonly poisonQueue: QueueClient;
  readonly settings: HostSettings['queues'];
  /** Runs the function for one message; throwing means "failed, retry or poison". */
  readonly invoke: (message: DequeuedMessageItem, body: string) => Promise<void>;
  readonly log: HostLog;
}

export interface QueueListener {
  readonly queueName: string;
  /** Polls now instead of waiting out the back-off (a message was just written here). */
  wake(): void;
  /** True when nothing is running or waiting to be retried and the queue is empty. */
  isIdle(): Promise<boolean>;
  /** Stops polling and waits for running invocations. */
  close(): Promise<void>;
}

/** The host hides a message for this long while a function works on it (it renews; we don't need to). */
const PROCESSING_VISIBILITY_SECONDS = 600;
const MIN_POLLING_DELAY_MS = 100;
/** A retry we scheduled but never saw again is forgotten after this, so idleness can't hang forever. */
const RETRY_TRACKING_GRACE_MS = 30_000;

/**
 * Starts a queue trigger listener with the Functions host's semantics: batches of `batchSize`,
 * a new batch once in-flight work drops to `newBatchThreshold`, delete on success, on failure
 * the message reappears after `visibilityTimeout`, and from `maxDequeueCount` attempts on it is
 * moved to `<queue>-poison`. Empty polls back off exponentially up to `maxPollingInterval`.
 */
export async function startQueueListener(options: QueueListenerOptions): Promise<QueueListener> {
  const { queue, poisonQueue, settings, log, functionName } = options;
  await queue.createIfNotExists();

  let closed = false;
  let inFlight = 0;
  /** A receive is on the wire: the messages it takes are invisible but not yet in flight. */
  let receiving = 0;
  /** Bumped whenever messages are received: lets isIdle detect a receive that raced its check. */
  let receivedEpoch = 0;
  const retries = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let delayMs = 0;
  let wakeSleeper: (() => void) | undefined;
  let slotFreed: (() => void) | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });

  const processMessage = async (message: DequeuedMessageItem): Promise<void> => {
    const props = { functionName, queue: queue.name, messageId: message.messageId, dequeueCount: message.dequeueCount };
    try {
      await options.invoke(message, decodeMessage(message.messageText, log, props));
      await queue.deleteMessage(message.messageId, message.popReceipt);
      return;
    } catch (error) {
      if (message.dequeueCount >= settings.maxDequeueCount) {
        log('error', `Message moved to ${poisonQueue.name} after ${message.dequeueCount} attempts`, {
          ...props,
          error: ensureError(error).message,
        });
        try {
          await poisonQueue.createIfNotExists();
          // The host copies the stored text unchanged (still base64).
          await poisonQueue.sendMessage(message.messageText);
          await queue.deleteMessage(message.messageId, message.popReceipt);
        } catch (poisonError) {
          log('error', 'Could not move message to the poison queue', {
            ...props,
            error: ensureError(poisonError).message,
          });
        }
        return;
      }
      const visibilitySeconds = Math.round(settings.visibilityTimeoutMs / 1000);
      try {
        await queue.updateMessage(message.messageId, message.popReceipt, undefined, visibilitySeconds);
        retries.set(message.messageId, Date.now() + visibilitySeconds * 1000 + RETRY_TRACKING_GRACE_MS);
        // Look again as soon as it is visible rather than at the next back-off step.
        setTimeout(wake, visibilitySeconds * 1000 + 20).unref();
      } catch (updateError) {
        log('warn', 'Could not reschedule failed message', { ...props, error: ensureError(updateError).message });
      }
    }
  };

  const wake = (): void => {
    delayMs = 0;
    wakeSleeper?.();
  };

  const poll = async (): Promise<void> => {
    while (!closed) {
      if (inFlight > settings.newBatchThreshold) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
        continue;
      }
      let messages: DequeuedMessageItem[] = [];
      receiving += 1;
      try {
        const response = await queue.receiveMessages({
          numberOfMessages: settings.batchSize,
          visibilityTimeout: PROCESSING_VISIBILITY_SECONDS,
        });
        messages = response.receivedMessageItems;
      } catch (error) {
        if (!closed) log('warn', `Polling ${queue.name} failed`, { functionName, error: ensureError(error).message });
      } finally {
        receiving -= 1;
      }
      if (messages.length > 0) {
        receivedEpoch += 1;
        delayMs = 0;
        for (const message of messages) {
          retries.delete(message.messageId);
          inFlight += 1;
          const work = processMessage(message).finally(() => {
            inFlight -= 1;
            running.delete(work);
            slotFreed?.();
            slotFreed = undefined;
          });
          running.add(work);
        }
        continue;
      }
      delayMs = Math.min(Math.max(delayMs * 2, MIN_POLLING_DELAY_MS), settings.maxPollingIntervalMs);
      await sleep(delayMs);
    }
  };
  const polling = poll();

  // Idle means nothing to do now: no invocation running, no retry of ours pending, no receive on the wire
  // and no visible message. A message queued to become visible later (Put Message with a visibility
  // timeout: a settle read) is future work, not work in progress, so it is looked for with Peek Messages,
  // which returns visible messages only, rather than the queue length, which counts invisible ones too.
  const busy = (): boolean => {
    const now = Date.now();
    for (const [id, forgetAt] of retries) if (forgetAt < now) retries.delete(id);
    return inFlight > 0 || retries.size > 0 || receiving > 0;
  };

  return {
    queueName: queue.name,
    wake,
    async isIdle(): Promise<boolean> {
      if (busy()) return false;
      const epoch = receivedEpoch;
      const visible = await queue.peekMessages({ numberOfMessages: 1 });
      if (visible.peekedMessageItems.length > 0) return false;
      return !busy() && epoch === receivedEpoch;
    },
    async close(): Promise<void> {
      closed = true;
      wake();
      slotFreed?.();
      await polling;
      await Promise.allSettled([...running]);
    },
  };
}

/** Triggers read base64 by default; plain text that is not base64 is passed through with a warning. */
function decodeMessage(text: string, log: HostLog, props: Record<string, unknown>): string {
  const compact = text.trim();
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 === 0) {
    return Buffer.from(compact, 'base64').toString('utf8');
  }
  log('warn', 'Queue message is not base64; passing it through as text', props);
  return text;
}
