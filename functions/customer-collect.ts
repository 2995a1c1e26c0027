import { app } from '@azure/functions';
import { collectQueueOutput } from '../lib/app/bindings';
import { getServices } from '../lib/app/services';
import { postCustomerCollect } from '../lib/http/collect-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `POST /api/customers/{id}/collect`: queue a collection of the latest closed window now. */
app.http('customer-collect', {
  methods: ['POST'],
  route: 'customers/{id}/collect',
  authLevel: 'function',
  extraOutputs: [collectQueueOutput],
  handler: withProblemResponses((request, context) => postCustomerCollect(getServices(), request, context)),
});
