import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/health`: every customer's health state, reason, secret expiry and last success. */
registerRoute('health', {
  methods: ['GET'],
  route: 'health',
  access: 'reader',
  handler: async () => (await import('../lib/http/health-handler.js')).getHealth(await loadServices()),
});
