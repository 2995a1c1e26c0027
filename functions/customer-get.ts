import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getCustomer } from '../lib/http/customer-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/customers/{id}`: one customer with its last-run status. */
app.http('customer-get', {
  methods: ['GET'],
  route: 'customers/{id}',
  authLevel: 'function',
  handler: withProblemResponses((request) => getCustomer(getServices(), request)),
});
