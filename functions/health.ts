import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getHealth } from '../lib/http/health-handler';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/health`: every customer's health state, reason, secret expiry and last success. */
app.http('health', {
  methods: ['GET'],
  route: 'health',
  authLevel: 'function',
  handler: withProblemResponses(() => getHealth(getServices())),
});
