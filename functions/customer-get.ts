import { getServices } from '../lib/app/services';
import { getCustomer } from '../lib/http/customer-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}`: one customer with its last-run status. */
registerRoute('customer-get', {
  methods: ['GET'],
  route: 'customers/{id}',
  access: 'reader',
  handler: (request) => getCustomer(getServices(), request),
});
