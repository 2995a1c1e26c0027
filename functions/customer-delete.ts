import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `DELETE /api/customers/{id}[?purgeData=true]`: offboard a customer (secret soft-deleted). */
registerRoute('customer-delete', {
  methods: ['DELETE'],
  route: 'customers/{id}',
  access: 'admin',
  handler: async (request) =>
    (await import('../lib/http/onboarding-handlers.js')).deleteCustomer(await loadServices(), request),
});
