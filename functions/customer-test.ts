import { getServices } from '../lib/app/services';
import { testCustomer } from '../lib/http/test-customer-handler';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/test`: explain whether and why access to the customer works. */
registerRoute('customer-test', {
  methods: ['POST'],
  route: 'customers/{id}/test',
  access: 'admin',
  handler: (request, context) => testCustomer(getServices(), request, context),
});
