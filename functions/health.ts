import { getServices } from '../lib/app/services';
import { getHealth } from '../lib/http/health-handler';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/health`: every customer's health state, reason, secret expiry and last success. */
registerRoute('health', {
  methods: ['GET'],
  route: 'health',
  access: 'reader',
  handler: () => getHealth(getServices()),
});
