import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/dashboard/customers/{id}`: one customer's page, a chart per series from the summaries. */
registerRoute('dashboard-customer', {
  methods: ['GET'],
  route: 'dashboard/customers/{id}',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/dashboard-handler.js')).getCustomerDashboard(await loadServices(), request),
});
