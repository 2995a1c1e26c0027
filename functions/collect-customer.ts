import { app } from '@azure/functions';
import { collectQueueOutput } from '../lib/app/bindings';
import { getServices } from '../lib/app/services';
import { COLLECT_QUEUE, STORAGE_CONNECTION } from '../lib/app/storage-names';
import { handleCollectMessage } from '../lib/collect/handle-collect-message';

/**
 * One customer, one window: Key Vault → token in the customer's tenant → ARM + metrics → storage.
 * Its output is the same queue: windows a recovered customer missed (gap healing).
 */
app.storageQueue('collect-customer', {
  queueName: COLLECT_QUEUE,
  connection: STORAGE_CONNECTION,
  extraOutputs: [collectQueueOutput],
  handler: (message, context) => handleCollectMessage(getServices(), message, context),
});
