import { app } from '@azure/functions';
import { collectQueueOutput } from '../lib/app/bindings';
import { loadServices } from '../lib/app/services';
import { COLLECT_QUEUE, STORAGE_CONNECTION } from '../lib/app/storage-names';

/**
 * One customer, one window: Key Vault → token in the customer's tenant → ARM + metrics → storage.
 * Its output is the same queue: windows a recovered customer missed (gap healing).
 */
app.storageQueue('collect-customer', {
  queueName: COLLECT_QUEUE,
  connection: STORAGE_CONNECTION,
  extraOutputs: [collectQueueOutput],
  handler: async (message, context) => {
    const { handleCollectMessage } = await import('../lib/collect/handle-collect-message.js');
    return handleCollectMessage(await loadServices(), message, context);
  },
});
