import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getCustomerResources } from '../lib/http/resources-handler';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/customers/{id}/resources`: each resource's latest ARM state and latest metric values. */
app.http('customer-resources', {
  methods: ['GET'],
  route: 'customers/{id}/resources',
  authLevel: 'function',
  handler: withProblemResponses((request) => getCustomerResources(getServices(), request)),
});
