import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { customerIdSchema } from '../customers/customer';
import { readLatestResources } from '../query/read-latest-resources';
import { parseInput } from './parse-input';

/**
 * `GET /api/customers/{id}/resources`: each configured resource with its latest ARM state (e.g. a
 * Fabric capacity's Active/Paused and SKU) and the latest stored value of each metric.
 */
export async function getCustomerResources(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const { id } = parseInput(z.object({ id: customerIdSchema }), request.params, 'Route');
  await services.ensureStorage();
  const customer = await services.registry.get(id);
  const status = await services.statuses.find(id);
  const resources = await readLatestResources(customer, status, services.metricsTable, services.now());
  return {
    status: 200,
    jsonBody: { customerId: id, lastAttemptAt: status?.lastAttemptAt ?? null, resources },
  };
}
