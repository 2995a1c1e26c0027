import { getServices } from '../lib/app/services';
import { getOperatorAudit } from '../lib/http/operator-audit-handler';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/operator-audit?from&to&customer`: who did which admin action on which customer, and how it ended. */
registerRoute('operator-audit', {
  methods: ['GET'],
  route: 'operator-audit',
  access: 'reader',
  handler: (request) => getOperatorAudit(getServices(), request),
});
