import { getServices } from '../lib/app/services';
import { getRun } from '../lib/http/collect-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/runs/{runId}`: progress of a collection run. */
registerRoute('run-get', {
  methods: ['GET'],
  route: 'runs/{runId}',
  access: 'reader',
  handler: (request) => getRun(getServices(), request),
});
