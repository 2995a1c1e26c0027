import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { contextLogger } from '../logging/logger';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { removeCustomer } from '../onboarding/remove-customer';
import { rotateCustomerSecret } from '../onboarding/rotate-customer-secret';
import { parseInput, readJsonBody } from './parse-input';
import { readCustomerId } from './route-customer';

const deleteQuery = z.object({ purgeData: z.enum(['true', 'false']).optional() });

/**
 * `POST /api/customers/{id}/rotate-secret`: `{ secret }` or `{ certificate }` (+ `expiresOn`) becomes
 * a new Key Vault version; the answer has the version and the connection test, never the value.
 */
export async function rotateSecret(
  services: Services,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = readCustomerId(request);
  const body = await readJsonBody(request);
  await services.ensureStorage();
  return { status: 200, jsonBody: await rotateCustomerSecret(services, id, body, contextLogger(context)) };
}

/** `DELETE /api/customers/{id}[?purgeData=true]`: offboards a customer (secret soft-deleted). */
export async function deleteCustomer(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const id = readCustomerId(request);
  const { purgeData } = parseInput(deleteQuery, Object.fromEntries(request.query.entries()), 'Query');
  await services.ensureStorage();
  return { status: 200, jsonBody: await removeCustomer(services, id, { purgeData: purgeData === 'true' }) };
}
