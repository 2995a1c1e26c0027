import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { customerIdSchema } from '../customers/customer';
import { runConnectionTest } from '../diagnose/run-connection-test';
import { parseInput } from './parse-input';

/**
 * `POST /api/customers/{id}/test`: the on-demand connection test. 200 with the report either way:
 * a failed test is a successful answer to "does access work?"; `ok` says which.
 */
export async function testCustomer(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const { id } = parseInput(z.object({ id: customerIdSchema }), request.params, 'Route');
  await services.ensureStorage();
  const customer = await services.registry.get(id);
  return { status: 200, jsonBody: await runConnectionTest(customer, services) };
}
