import type { HttpResponseInit } from '@azure/functions';
import type { Services } from '../app/create-services';
import { listCustomerHealth } from '../health/list-customer-health';

/** `GET /api/health`: every customer's state, reason, days to secret expiry and last success. */
export async function getHealth(services: Services): Promise<HttpResponseInit> {
  await services.ensureStorage();
  return { status: 200, jsonBody: await listCustomerHealth(services) };
}
