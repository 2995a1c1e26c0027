import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { COLLECT_QUEUE, STORAGE_CONNECTION } from '../lib/app/storage-names';
import { handleCollectMessage } from '../lib/collect/handle-collect-message';

/** One customer, one window: Key Vault → token in the customer's tenant → ARM + metrics → storage. */
app.storageQueue('collect-customer', {
  queueName: COLLECT_QUEUE,
  connection: STORAGE_CONNECTION,
  handler: (message, context) => handleCollectMessage(getServices(), message, context),
});
