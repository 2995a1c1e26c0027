import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/metrics/top?metric&window&by&limit`: resources of all customers ranked by one metric. */
registerRoute('metrics-top', {
  methods: ['GET'],
  route: 'metrics/top',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/top-metrics-handler.js')).getTopMetrics(await loadServices(), request),
});
