import { getServices } from '../lib/app/services';
import { getCustomerMetrics } from '../lib/http/metrics-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/metrics?resource&metric&from&to`: stored datapoints. */
registerRoute('customer-metrics', {
  methods: ['GET'],
  route: 'customers/{id}/metrics',
  access: 'reader',
  handler: (request) => getCustomerMetrics(getServices(), request),
});
