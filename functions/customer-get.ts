import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}`: one customer with its last-run status. */
registerRoute('customer-get', {
  methods: ['GET'],
  route: 'customers/{id}',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/customer-handlers.js')).getCustomer(await loadServices(), request),
});
