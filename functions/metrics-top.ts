import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getTopMetrics } from '../lib/http/top-metrics-handler';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/metrics/top?metric&window&by&limit`: resources of all customers ranked by one metric. */
app.http('metrics-top', {
  methods: ['GET'],
  route: 'metrics/top',
  authLevel: 'function',
  handler: withProblemResponses((request) => getTopMetrics(getServices(), request)),
});
