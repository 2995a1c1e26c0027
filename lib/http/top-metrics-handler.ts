import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { parseRelativeDuration } from '../query/parse-time-input';
import { checkRange } from '../query/query-customer-metrics';
import { RANK_BY, rankTopResources } from '../query/rank-top-resources';
import { SUMMARY_HOURS } from '../summary/series-summary';
import { parseInput } from './parse-input';

/** The most rows one ranking returns. */
export const MAX_TOP_LIMIT = 100;

const topQuery = z.object({
  metric: z.string().min(1).max(200),
  window: z.string().max(16).default('24h'),
  by: z.enum(RANK_BY).default('max'),
  limit: z.coerce.number().int().min(1).max(MAX_TOP_LIMIT).default(10),
});

/**
 * `GET /api/metrics/top?metric=…&window=24h&by=max|avg&limit=10`: series of every customer ranked by their
 * peak or mean of one metric over the window ("which capacities ran hot last night"). Read from the hourly
 * summaries (kept for SUMMARY_HOURS), so the window is at most 7 days and the cost is the registry and one
 * row range per ranking partition (TOP_BUCKETS) however much history there is.
 */
export async function getTopMetrics(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const query = parseInput(topQuery, Object.fromEntries(request.query.entries()), 'Query');
  const to = services.now();
  const from = new Date(to.getTime() - parseRelativeDuration(query.window, 'window'));
  checkRange(from, to, SUMMARY_HOURS / 24);
  await services.ensureStorage();
  // Every collected series ranks, discovered resources' too; a removed customer's leftovers do not.
  const customers = new Set((await services.registry.list()).map((c) => c.id));
  const resources = await rankTopResources(customers, { ...query, from, to }, services.summaries);
  return {
    status: 200,
    jsonBody: {
      metric: query.metric,
      by: query.by,
      window: query.window,
      from: from.toISOString(),
      to: to.toISOString(),
      resources,
    },
  };
}
