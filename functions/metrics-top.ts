import { getServices } from '../lib/app/services';
import { getTopMetrics } from '../lib/http/top-metrics-handler';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/metrics/top?metric&window&by&limit`: resources of all customers ranked by one metric. */
registerRoute('metrics-top', {
  methods: ['GET'],
  route: 'metrics/top',
  access: 'reader',
  handler: (request) => getTopMetrics(getServices(), request),
});
