import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { listCustomers } from '../lib/http/customer-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/customers`: every customer with its last-run status. */
app.http('customers-list', {
  methods: ['GET'],
  route: 'customers',
  authLevel: 'function',
  handler: withProblemResponses(() => listCustomers(getServices())),
});
