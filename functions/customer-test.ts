import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/test`: explain whether and why access to the customer works. */
registerRoute('customer-test', {
  methods: ['POST'],
  route: 'customers/{id}/test',
  access: 'admin',
  handler: async (request, context) =>
    (await import('../lib/http/test-customer-handler.js')).testCustomer(await loadServices(), request, context),
});
