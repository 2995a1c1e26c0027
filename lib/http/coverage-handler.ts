import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { closedWindow } from '../collect/closed-window';
import { scheduleWindowsBetween } from '../collect/find-missed-windows';
import { readAuditRange } from './audit-handler';
import { parseInput } from './parse-input';
import { loadRouteCustomer } from './route-customer';

const DEFAULT_RANGE_MS = 24 * 3600_000;
const coverageQuery = z.object({ from: z.string().max(64).optional(), to: z.string().max(64).optional() });

/**
 * `GET /api/customers/{id}/coverage?from&to`: which schedule windows of the range (default: the last
 * 24 hours) the product has for the customer: `collected`, `missed` (its run gave up), `queued` (gap
 * healing or a backfill asked for it again) or `none` (never attempted), with counts and the healing
 * watermark. What gap healing acts on, for ops to see.
 */
export async function getCustomerCoverage(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const query = parseInput(coverageQuery, Object.fromEntries(request.query.entries()), 'Query');
  const now = services.now();
  const { from, to } = readAuditRange(query, now, DEFAULT_RANGE_MS);
  const { id } = await loadRouteCustomer(services, request); // 404 for an unknown customer
  const latestEnd = closedWindow(services.config.collectSchedule, now).end;
  const end = new Date(Math.min(to.getTime(), latestEnd.getTime()));
  const windows = scheduleWindowsBetween(services.config.collectSchedule, from, end);
  const [rows, summary] = await Promise.all([
    services.coverage.list(id, from.toISOString(), end.toISOString()),
    services.coverage.summary(id),
  ]);
  const byStart = new Map(rows.map((r) => [Date.parse(r.windowStart), r]));
  const counts: Record<string, number> = { collected: 0, missed: 0, queued: 0, none: 0 };
  const listed = windows.map((w) => {
    const row = byStart.get(w.start.getTime());
    const state = row?.state ?? 'none';
    counts[state] = (counts[state] ?? 0) + 1;
    return {
      windowStart: w.start.toISOString(),
      windowEnd: w.end.toISOString(),
      state,
      ...(row ? { runId: row.runId, updatedAt: row.updatedAt } : {}),
      ...(row?.errorCode ? { errorCode: row.errorCode } : {}),
    };
  });
  return {
    status: 200,
    jsonBody: {
      customerId: id,
      from: from.toISOString(),
      to: end.toISOString(),
      ...(summary ? { healedThrough: summary.healedThrough } : {}),
      retentionDays: services.config.metricsRetentionDays,
      counts,
      windows: listed,
    },
  };
}
