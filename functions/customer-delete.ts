import { getServices } from '../lib/app/services';
import { deleteCustomer } from '../lib/http/onboarding-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `DELETE /api/customers/{id}[?purgeData=true]`: offboard a customer (secret soft-deleted). */
registerRoute('customer-delete', {
  methods: ['DELETE'],
  route: 'customers/{id}',
  access: 'admin',
  handler: (request) => deleteCustomer(getServices(), request),
});
