import { output } from '@azure/functions';
import { COLLECT_QUEUE, STORAGE_CONNECTION } from './storage-names';

/** The queue the timer fans out to and the worker listens on (messages base64 JSON, written by the host). */
export const collectQueueOutput = output.storageQueue({ queueName: COLLECT_QUEUE, connection: STORAGE_CONNECTION });
