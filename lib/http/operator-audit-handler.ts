import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { customerIdSchema } from '../customers/customer';
import { MAX_AUDIT_ENTRIES, readAuditRange } from './audit-handler';
import { parseInput } from './parse-input';

const DEFAULT_RANGE_MS = 7 * 24 * 3600_000;
const operatorAuditQuery = z.object({
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  customer: customerIdSchema.optional(),
});

/**
 * `GET /api/operator-audit?from&to&customer`: every admin action through the API in the range (default:
 * the last 7 days), oldest first: who (Entra object id and name), what, which customer, when, outcome.
 */
export async function getOperatorAudit(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const query = parseInput(operatorAuditQuery, Object.fromEntries(request.query.entries()), 'Query');
  const { from, to } = readAuditRange(query, services.now(), DEFAULT_RANGE_MS);
  await services.ensureStorage();
  const entries = await services.operatorAudit.query(from, to, MAX_AUDIT_ENTRIES + 1, query.customer);
  return {
    status: 200,
    jsonBody: {
      from: from.toISOString(),
      to: to.toISOString(),
      ...(query.customer ? { customerId: query.customer } : {}),
      truncated: entries.length > MAX_AUDIT_ENTRIES,
      entries: entries.slice(0, MAX_AUDIT_ENTRIES),
    },
  };
}
