import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { resourceIdSchema } from '../customers/customer';
import { formatSeriesCsv } from '../query/format-series-csv';
import { parseTimeInput } from '../query/parse-time-input';
import { MAX_PAGE_POINTS, queryCustomerMetrics } from '../query/query-customer-metrics';
import { ROLL_UP_GRAINS } from '../query/roll-up-points';
import { parseInput } from './parse-input';
import { readCustomerId } from './route-customer';
import { readQueryList } from './read-query-list';

/** Default range when `from` is absent: the 24 hours before `to`. */
const DEFAULT_RANGE_MS = 24 * 3_600_000;
/** The most resources or metrics one query may name. */
const MAX_SELECTORS = 50;

/** A full ARM resource ID, or a resource name (its last segment) as ARM allows it. */
const RESOURCE_NAME = /^[A-Za-z0-9][-\w.()]{0,259}$/;
// One refinement rather than a union: a union's failure reads "Invalid input", which helps nobody.
const resourceSelectorSchema = z
  .string()
  .refine((value) => resourceIdSchema.safeParse(value).success || RESOURCE_NAME.test(value), {
    message: 'must be a full ARM resource ID (/subscriptions/…/providers/…) or a resource name',
  });

const metricsQuery = z.object({
  resource: z.array(resourceSelectorSchema).max(MAX_SELECTORS),
  metric: z.array(z.string().min(1).max(200)).max(MAX_SELECTORS),
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  interval: z.enum(ROLL_UP_GRAINS).optional(),
  format: z.enum(['json', 'csv']).optional(),
  maxPoints: z.coerce.number().int().min(1).max(MAX_PAGE_POINTS).optional(),
  continuationToken: z.string().max(1000).optional(),
});

/**
 * `GET /api/customers/{id}/metrics`: stored datapoints of several resources and metrics.
 * Query: `resource` (repeatable; ARM ID or name), `metric` (repeatable or comma-separated),
 * `from`/`to` (ISO 8601 or relative like `24h`, `7d`; default the last 24 h), `interval`
 * (PT5M|PT1H|P1D roll-up with min/avg/max), `format=json|csv` (or `Accept: text/csv`),
 * `maxPoints` (page size) and `continuationToken` (from the previous page).
 */
export async function getCustomerMetrics(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const id = readCustomerId(request);
  const query = parseInput(
    metricsQuery,
    {
      ...Object.fromEntries(request.query.entries()),
      resource: readQueryList(request.query, 'resource', false),
      metric: readQueryList(request.query, 'metric'),
    },
    'Query',
  );
  const now = services.now();
  const to = query.to ? parseTimeInput(query.to, now, 'to') : now;
  // Relative times count back from now; only the default range counts back from "to".
  const from = query.from ? parseTimeInput(query.from, now, 'from') : new Date(to.getTime() - DEFAULT_RANGE_MS);
  await services.ensureStorage();
  const customer = await services.discovery.withKnownResources(await services.registry.get(id));
  const page = await queryCustomerMetrics(
    customer,
    {
      resources: query.resource,
      metrics: query.metric,
      from,
      to,
      ...(query.interval ? { interval: query.interval } : {}),
      ...(query.maxPoints ? { maxPoints: query.maxPoints } : {}),
      ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}),
    },
    services.metricsTable,
  );
  if (wantsCsv(query.format, request.headers.get('accept'))) {
    return {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${id}-metrics.csv"`,
        ...(page.continuationToken ? { 'x-continuation-token': page.continuationToken } : {}),
      },
      body: formatSeriesCsv(id, page.series),
    };
  }
  return { status: 200, jsonBody: page };
}

function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | null): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(accept ?? '');
}
