import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/resources`: each resource's latest ARM state and latest metric values. */
registerRoute('customer-resources', {
  methods: ['GET'],
  route: 'customers/{id}/resources',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/resources-handler.js')).getCustomerResources(await loadServices(), request),
});
