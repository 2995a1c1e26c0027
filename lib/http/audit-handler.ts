import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { checkRange } from '../query/query-customer-metrics';
import { parseTimeInput } from '../query/parse-time-input';
import { parseInput } from './parse-input';
import { loadRouteCustomer } from './route-customer';

/** Longest range one audit query may span (the retention default is 90 days). */
export const MAX_AUDIT_RANGE_DAYS = 366;
/** Most entries one response carries; `truncated` says when there were more. */
export const MAX_AUDIT_ENTRIES = 5_000;
const DEFAULT_RANGE_MS = 24 * 3600_000;

// The same time inputs as the metrics query: ISO instants or dates, `now`, or relative (`24h`, `7d`).
const auditQuery = z.object({ from: z.string().optional(), to: z.string().optional() });

/**
 * `GET /api/customers/{id}/audit?from&to`: every call made into the customer's tenant in the range
 * (default: the last 24 hours), oldest first. The provider's side of the customer's Activity Log.
 */
export async function getCustomerAudit(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const query = parseInput(auditQuery, Object.fromEntries(request.query.entries()), 'Query');
  const { from, to } = readAuditRange(query, services.now(), DEFAULT_RANGE_MS);
  const { id } = await loadRouteCustomer(services, request); // 404 for an unknown customer
  const entries = await services.audit.query(id, from, to, MAX_AUDIT_ENTRIES + 1);
  return {
    status: 200,
    jsonBody: {
      customerId: id,
      from: from.toISOString(),
      to: to.toISOString(),
      retentionDays: services.config.auditRetentionDays,
      truncated: entries.length > MAX_AUDIT_ENTRIES,
      entries: entries.slice(0, MAX_AUDIT_ENTRIES).map(({ customerId: _c, ...rest }) => rest),
    },
  };
}

/** An audit query's `from`/`to` (absolute or relative), `to` defaulting to now and `from` to `defaultRangeMs` before it. */
export function readAuditRange(
  query: { readonly from?: string | undefined; readonly to?: string | undefined },
  now: Date,
  defaultRangeMs: number,
): { from: Date; to: Date } {
  const to = query.to ? parseTimeInput(query.to, now, 'to') : now;
  const from = query.from ? parseTimeInput(query.from, now, 'from') : new Date(to.getTime() - defaultRangeMs);
  checkRange(from, to, MAX_AUDIT_RANGE_DAYS);
  return { from, to };
}
