import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/coverage?from&to`: which windows the product has for the customer. */
registerRoute('customer-coverage', {
  methods: ['GET'],
  route: 'customers/{id}/coverage',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/coverage-handler.js')).getCustomerCoverage(await loadServices(), request),
});
