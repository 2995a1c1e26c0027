import { collectQueueOutput } from '../lib/app/bindings';
import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/collect`: queue a collection of the latest closed window now. */
registerRoute('customer-collect', {
  methods: ['POST'],
  route: 'customers/{id}/collect',
  access: 'admin',
  extraOutputs: [collectQueueOutput],
  handler: async (request, context) =>
    (await import('../lib/http/collect-handlers.js')).postCustomerCollect(await loadServices(), request, context),
});
