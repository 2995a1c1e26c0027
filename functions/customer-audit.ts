import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/audit?from&to`: every call made into the customer's tenant. */
registerRoute('customer-audit', {
  methods: ['GET'],
  route: 'customers/{id}/audit',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/audit-handler.js')).getCustomerAudit(await loadServices(), request),
});
