import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `PUT /api/customers/{id}`: onboard a customer (secret/certificate to Key Vault) and test it at once. */
registerRoute('customer-put', {
  methods: ['PUT'],
  route: 'customers/{id}',
  access: 'admin',
  handler: async (request, context) =>
    (await import('../lib/http/customer-handlers.js')).putCustomer(await loadServices(), request, context),
});
