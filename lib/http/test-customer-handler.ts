import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { withCustomerAudit } from '../audit/with-customer-audit';
import { contextLogger } from '../logging/logger';
import type { Services } from '../app/create-services';
import { runConnectionTest } from '../diagnose/run-connection-test';
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
  const id = customer.id;
  // The test run reaches into the customer's tenant like a collection does, so it is audited too.
  const runId = `test-${services.now().toISOString().replace(/[-:.]/g, '')}`;
  const report = await withCustomerAudit(services, id, runId, contextLogger(context), () =>
    runConnectionTest(customer, services),
  );
  return { status: 200, jsonBody: report };
}
