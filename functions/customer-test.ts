import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { testCustomer } from '../lib/http/test-customer-handler';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `POST /api/customers/{id}/test`: explain whether and why access to the customer works. */
app.http('customer-test', {
  methods: ['POST'],
  route: 'customers/{id}/test',
  authLevel: 'function',
  handler: withProblemResponses((request, context) => testCustomer(getServices(), request, context)),
});
