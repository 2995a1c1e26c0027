import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { auditedConnectionTest } from '../audit/audited-connection-test';
import { contextLogger } from '../logging/logger';
import type { Services } from '../app/create-services';
import { loadRouteCustomer } from './route-customer';

/**
 * `POST /api/customers/{id}/test`: the on-demand connection test. 200 with the report either way:
 * a failed test is a successful answer to "does access work?"; `ok` says which.
 */
export async function testCustomer(
  services: Services,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const customer = await loadRouteCustomer(services, request);
  const report = await auditedConnectionTest(services, customer, contextLogger(context));
  return { status: 200, jsonBody: report };
}
