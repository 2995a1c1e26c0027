import { RestError, type QueueClient } from '@azure/storage-queue';
import type { CollectMessage } from '../collect/collect-message';

/**
 * Put Message takes a visibility timeout of 0 to 7 days, and it must be shorter than the message's
 * time-to-live, which defaults to 7 days (learn.microsoft.com/rest/api/storageservices/put-message).
 */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 7 * 24 * 3600 - 60;

/** A message queued to become visible later: what Put Message answered. */
export interface DelayedMessage {
  readonly messageId: string;
  /** Lets the sender change the message's visibility (Update Message) without receiving it first. */
  readonly popReceipt: string;
  readonly visibilityTimeoutSeconds: number;
  /** When the queue will hand it to a worker, by the queue's clock. */
  readonly nextVisibleOn: Date;
}

/**
 * Queues a collect message on the worker's own queue that stays invisible until a given instant.
 * The Functions queue output binding only takes message bodies and cannot delay one (Azure/azure-functions-host
 * #4176, #1465; azure-functions-dotnet-worker #470: "not currently supported with bindings ... work directly with
 * the SDK"), so this uses the SDK's QueueClient.sendMessage with `visibilityTimeout`, which is Put Message's
 * `visibilitytimeout` ("makes the message invisible until the visibility time-out expires", in seconds relative
 * to server time). The trigger reads base64 by default and the SDK does not encode: we encode here.
 */
export class DelayedCollectQueue {
  private created = false;

  constructor(private readonly queue: QueueClient) {}

  /** Queues `message` to become visible at `visibleAt` (as `now` counts; at once if that has passed). */
  async sendAt(message: CollectMessage, visibleAt: Date, now: Date): Promise<DelayedMessage> {
    const seconds = Math.min(
      MAX_VISIBILITY_TIMEOUT_SECONDS,
      Math.max(0, Math.ceil((visibleAt.getTime() - now.getTime()) / 1000)),
    );
    const body = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
    const send = () => this.queue.sendMessage(body, { visibilityTimeout: seconds });
    let sent: Awaited<ReturnType<typeof send>>;
    try {
      sent = await send();
    } catch (error) {
      // The host creates its trigger queue, infra creates it in Azure; a fresh local account may not have it yet.
      if (this.created || !(error instanceof RestError && error.statusCode === 404)) throw error;
      await this.queue.createIfNotExists();
      this.created = true;
      sent = await send();
    }
    return {
      messageId: sent.messageId,
      popReceipt: sent.popReceipt,
      visibilityTimeoutSeconds: seconds,
      nextVisibleOn: sent.nextVisibleOn,
    };
  }
}
