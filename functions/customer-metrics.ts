import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getCustomerMetrics } from '../lib/http/metrics-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/customers/{id}/metrics?resource&metric&from&to`: stored datapoints. */
app.http('customer-metrics', {
  methods: ['GET'],
  route: 'customers/{id}/metrics',
  authLevel: 'function',
  handler: withProblemResponses((request) => getCustomerMetrics(getServices(), request)),
});
