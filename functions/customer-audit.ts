import { getServices } from '../lib/app/services';
import { getCustomerAudit } from '../lib/http/audit-handler';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/audit?from&to`: every call made into the customer's tenant. */
registerRoute('customer-audit', {
  methods: ['GET'],
  route: 'customers/{id}/audit',
  access: 'reader',
  handler: (request) => getCustomerAudit(getServices(), request),
});
