import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { deleteCustomer } from '../lib/http/onboarding-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `DELETE /api/customers/{id}[?purgeData=true]`: offboard a customer (secret soft-deleted). */
app.http('customer-delete', {
  methods: ['DELETE'],
  route: 'customers/{id}',
  authLevel: 'function',
  handler: withProblemResponses((request) => deleteCustomer(getServices(), request)),
});
