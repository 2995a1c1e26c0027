import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/dashboard?state&q&page`: the fleet list, customers needing action first, filtered and paged. */
registerRoute('dashboard', {
  methods: ['GET'],
  route: 'dashboard',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/dashboard-handler.js')).getDashboard(await loadServices(), request),
});
