import { getServices } from '../lib/app/services';
import { getDashboard } from '../lib/http/dashboard-handler';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/dashboard`: one server-rendered page with every customer's health, resources and runs. */
registerRoute('dashboard', {
  methods: ['GET'],
  route: 'dashboard',
  access: 'reader',
  handler: () => getDashboard(getServices()),
});
