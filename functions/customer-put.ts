import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { putCustomer } from '../lib/http/customer-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `PUT /api/customers/{id}`: onboard a customer (secret/certificate to Key Vault) and test it at once. */
app.http('customer-put', {
  methods: ['PUT'],
  route: 'customers/{id}',
  authLevel: 'function',
  handler: withProblemResponses((request, context) => putCustomer(getServices(), request, context)),
});
