import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Services } from '../app/create-services';
import { readLatestResources } from '../query/read-latest-resources';
import { loadRouteCustomer } from './route-customer';

/**
 * `GET /api/customers/{id}/resources`: each configured resource with its latest ARM state (e.g. a
 * Fabric capacity's Active/Paused and SKU) and the latest stored value of each metric.
 */
export async function getCustomerResources(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const customer = await services.discovery.withKnownResources(await loadRouteCustomer(services, request));
  const id = customer.id;
  const status = await services.statuses.find(id);
  const resources = await readLatestResources(customer, status, services.metricsTable, services.now());
  return {
    status: 200,
    jsonBody: { customerId: id, lastAttemptAt: status?.lastAttemptAt ?? null, resources },
  };
}
