import type { HttpResponseInit } from '@azure/functions';
import type { Services } from '../app/create-services';
import { buildDashboardModel } from '../dashboard/build-dashboard-model';
import { renderDashboard } from '../dashboard/render-dashboard';

/**
 * `GET /api/dashboard`: the ops page. Server-rendered and self-contained; the CSP forbids scripts and
 * every external resource, so even a value that slipped past escaping could not run or load anything.
 */
export async function getDashboard(services: Services): Promise<HttpResponseInit> {
  await services.ensureStorage();
  const html = renderDashboard(await buildDashboardModel(services));
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    },
    body: html,
  };
}
