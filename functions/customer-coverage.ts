import { getServices } from '../lib/app/services';
import { getCustomerCoverage } from '../lib/http/coverage-handler';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/coverage?from&to`: which windows the product has for the customer. */
registerRoute('customer-coverage', {
  methods: ['GET'],
  route: 'customers/{id}/coverage',
  access: 'reader',
  handler: (request) => getCustomerCoverage(getServices(), request),
});
