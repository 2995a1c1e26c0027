import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getDashboard } from '../lib/http/dashboard-handler';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/dashboard`: one server-rendered page with every customer's health, resources and runs. */
app.http('dashboard', {
  methods: ['GET'],
  route: 'dashboard',
  authLevel: 'function',
  handler: withProblemResponses(() => getDashboard(getServices())),
});
