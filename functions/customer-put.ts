import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { putCustomer } from '../lib/http/customer-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `PUT /api/customers/{id}`: register or replace a customer (validated; never a secret). */
app.http('customer-put', {
  methods: ['PUT'],
  route: 'customers/{id}',
  authLevel: 'function',
  handler: withProblemResponses((request) => putCustomer(getServices(), request)),
});
