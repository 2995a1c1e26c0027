import { getServices } from '../lib/app/services';
import { putCustomer } from '../lib/http/customer-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `PUT /api/customers/{id}`: onboard a customer (secret/certificate to Key Vault) and test it at once. */
registerRoute('customer-put', {
  methods: ['PUT'],
  route: 'customers/{id}',
  access: 'admin',
  handler: (request, context) => putCustomer(getServices(), request, context),
});
