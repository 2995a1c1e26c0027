import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/runs/{runId}`: progress of a collection run. */
registerRoute('run-get', {
  methods: ['GET'],
  route: 'runs/{runId}',
  access: 'reader',
  handler: async (request) => (await import('../lib/http/collect-handlers.js')).getRun(await loadServices(), request),
});
