import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/operator-audit?from&to&customer`: who did which admin action on which customer, and how it ended. */
registerRoute('operator-audit', {
  methods: ['GET'],
  route: 'operator-audit',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/operator-audit-handler.js')).getOperatorAudit(await loadServices(), request),
});
