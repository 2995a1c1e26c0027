import { getServices } from '../lib/app/services';
import { listCustomers } from '../lib/http/customer-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers`: every customer with its last-run status. */
registerRoute('customers-list', {
  methods: ['GET'],
  route: 'customers',
  access: 'reader',
  handler: () => listCustomers(getServices()),
});
