import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/metrics?resource&metric&from&to`: stored datapoints. */
registerRoute('customer-metrics', {
  methods: ['GET'],
  route: 'customers/{id}/metrics',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/metrics-handlers.js')).getCustomerMetrics(await loadServices(), request),
});
