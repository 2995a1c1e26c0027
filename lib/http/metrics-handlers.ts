import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { customerIdSchema, resourceIdSchema } from '../customers/customer';
import { AppError } from '../errors/app-error';
import type { Datapoint } from '../metrics/datapoint';
import { parseInput } from './parse-input';

/** Longest range one query may span. */
export const MAX_QUERY_RANGE_DAYS = 31;
/** Most datapoints one response may carry (across all series). */
export const MAX_QUERY_POINTS = 20_000;
const DEFAULT_RANGE_MS = 24 * 3600_000;

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const metricsQuery = z.object({
  resource: resourceIdSchema.optional(),
  metric: z.string().min(1).max(200).optional(),
  from: instant.optional(),
  to: instant.optional(),
});

interface Series {
  resourceId: string;
  metric: string;
  unit?: string;
  interval?: string;
  points: Array<Omit<Datapoint, 'resourceId' | 'metric' | 'unit' | 'interval'>>;
}

/**
 * `GET /api/customers/{id}/metrics?resource&metric&from&to`: stored datapoints. Each series is read
 * with a partition-equality, row-range query; the series to read come from the customer's
 * configuration, so the table is never scanned.
 */
export async function getCustomerMetrics(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const { id } = parseInput(z.object({ id: customerIdSchema }), request.params, 'Route');
  const query = parseInput(metricsQuery, Object.fromEntries(request.query.entries()), 'Query');
  const to = query.to ?? services.now();
  const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from >= to) throw badRequest(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
  if (to.getTime() - from.getTime() > MAX_QUERY_RANGE_DAYS * 24 * 3600_000) {
    throw badRequest(`The range spans more than ${MAX_QUERY_RANGE_DAYS} days; narrow "from"/"to"`);
  }
  await services.ensureStorage();
  const customer = await services.registry.get(id);
  const targets = customer.resources.filter(
    (r) => !query.resource || r.resourceId.toLowerCase() === query.resource.toLowerCase(),
  );
  if (query.resource && targets.length === 0) {
    throw new AppError({ kind: 'notFound', code: 'ResourceNotConfigured', message: `Customer ${id} has no resource ${query.resource}` });
  }
  const wanted = targets.flatMap((t) =>
    t.metrics.filter((m) => !query.metric || m.toLowerCase() === query.metric.toLowerCase()).map((metric) => ({ resourceId: t.resourceId, metric })),
  );
  if (query.metric && wanted.length === 0) {
    throw new AppError({ kind: 'notFound', code: 'MetricNotConfigured', message: `No configured resource of ${id} collects metric "${query.metric}"` });
  }
  let budget = MAX_QUERY_POINTS;
  const series: Series[] = [];
  let truncated = false;
  for (const { resourceId, metric } of wanted) {
    const points = await services.metricsTable.query({ customerId: id, resourceId, metric, from, to, limit: budget + 1 });
    if (points.length > budget) truncated = true;
    const kept = points.slice(0, budget);
    budget -= kept.length;
    series.push(toSeries(resourceId, metric, kept));
    if (budget <= 0) break;
  }
  return {
    status: 200,
    jsonBody: { customerId: id, from: from.toISOString(), to: to.toISOString(), truncated, series },
  };
}

function toSeries(resourceId: string, metric: string, points: Datapoint[]): Series {
  const first = points[0];
  return {
    resourceId,
    metric,
    ...(first?.unit ? { unit: first.unit } : {}),
    ...(first?.interval ? { interval: first.interval } : {}),
    points: points.map(({ resourceId: _r, metric: _m, unit: _u, interval: _i, ...rest }) => rest),
  };
}

function badRequest(message: string): AppError {
  return new AppError({ kind: 'validation', code: 'InvalidRequest', message });
}
