import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { buildCustomerDetail } from '../dashboard/build-customer-detail';
import {
  buildDashboardModel,
  DASHBOARD_PAGE_SIZE,
  HEALTH_ORDER,
  MAX_DASHBOARD_PAGE_SIZE,
} from '../dashboard/build-dashboard-model';
import { renderCustomerDetail } from '../dashboard/render-customer-detail';
import { renderDashboard } from '../dashboard/render-dashboard';
import { parseInput } from './parse-input';
import { readCustomerId } from './route-customer';

const listQuery = z.object({
  state: z.enum(HEALTH_ORDER).optional(),
  q: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_DASHBOARD_PAGE_SIZE).default(DASHBOARD_PAGE_SIZE),
});

/**
 * `GET /api/dashboard?state&q&page&pageSize`: the fleet list, customers needing action first. Three table
 * queries whatever the history and page size. Without a request (the benchmark), the first page.
 */
export async function getDashboard(services: Services, request?: HttpRequest): Promise<HttpResponseInit> {
  const query = parseInput(listQuery, request ? Object.fromEntries(request.query.entries()) : {}, 'Query');
  await services.ensureStorage();
  const model = await buildDashboardModel(services, {
    page: query.page,
    pageSize: query.pageSize,
    ...(query.state ? { state: query.state } : {}),
    ...(query.q?.trim() ? { q: query.q.trim() } : {}),
  });
  return htmlResponse(renderDashboard(model));
}

/** `GET /api/dashboard/customers/{id}`: one customer's page with its series charts (five reads). */
export async function getCustomerDashboard(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const id = readCustomerId(request);
  await services.ensureStorage();
  return htmlResponse(renderCustomerDetail(await buildCustomerDetail(services, id)));
}

/**
 * Server-rendered and self-contained; the CSP forbids scripts and every external resource, so even a value
 * that slipped past escaping could not run or load anything. Forms may only go back to this app (the list's
 * search is a GET form).
 */
function htmlResponse(html: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    },
    body: html,
  };
}
