import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers`: every customer with its last-run status. */
registerRoute('customers-list', {
  methods: ['GET'],
  route: 'customers',
  access: 'reader',
  handler: async () => (await import('../lib/http/customer-handlers.js')).listCustomers(await loadServices()),
});
