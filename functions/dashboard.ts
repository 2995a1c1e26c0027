import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/dashboard`: one server-rendered page with every customer's health, resources and runs. */
registerRoute('dashboard', {
  methods: ['GET'],
  route: 'dashboard',
  access: 'reader',
  handler: async () => (await import('../lib/http/dashboard-handler.js')).getDashboard(await loadServices()),
});
