import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getCustomerAudit } from '../lib/http/audit-handler';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/customers/{id}/audit?from&to`: every call made into the customer's tenant. */
app.http('customer-audit', {
  methods: ['GET'],
  route: 'customers/{id}/audit',
  authLevel: 'function',
  handler: withProblemResponses((request) => getCustomerAudit(getServices(), request)),
});
