import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { getRun } from '../lib/http/collect-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `GET /api/runs/{runId}`: progress of a collection run. */
app.http('run-get', {
  methods: ['GET'],
  route: 'runs/{runId}',
  authLevel: 'function',
  handler: withProblemResponses((request) => getRun(getServices(), request)),
});
