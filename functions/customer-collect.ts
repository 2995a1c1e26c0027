import { collectQueueOutput } from '../lib/app/bindings';
import { getServices } from '../lib/app/services';
import { postCustomerCollect } from '../lib/http/collect-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/collect`: queue a collection of the latest closed window now. */
registerRoute('customer-collect', {
  methods: ['POST'],
  route: 'customers/{id}/collect',
  access: 'admin',
  extraOutputs: [collectQueueOutput],
  handler: (request, context) => postCustomerCollect(getServices(), request, context),
});
