import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { AppError } from '../errors/app-error';
import { parseInput } from './parse-input';
import { readCustomerId } from './route-customer';

/** Longest range one audit query may span (the retention default is 90 days). */
export const MAX_AUDIT_RANGE_DAYS = 366;
/** Most entries one response carries; `truncated` says when there were more. */
export const MAX_AUDIT_ENTRIES = 5_000;
const DEFAULT_RANGE_MS = 24 * 3600_000;

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const auditQuery = z.object({ from: instant.optional(), to: instant.optional() });

/**
 * `GET /api/customers/{id}/audit?from&to`: every call made into the customer's tenant in the range
 * (default: the last 24 hours), oldest first. The provider's side of the customer's Activity Log.
 */
export async function getCustomerAudit(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const id = readCustomerId(request);
  const query = parseInput(auditQuery, Object.fromEntries(request.query.entries()), 'Query');
  const to = query.to ?? services.now();
  const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from >= to) throw badRequest(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
  if (to.getTime() - from.getTime() > MAX_AUDIT_RANGE_DAYS * 24 * 3600_000) {
    throw badRequest(`The range spans more than ${MAX_AUDIT_RANGE_DAYS} days; narrow "from"/"to"`);
  }
  await services.ensureStorage();
  await services.registry.get(id); // 404 for an unknown customer
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

function badRequest(message: string): AppError {
  return new AppError({ kind: 'validation', code: 'InvalidRequest', message });
}
