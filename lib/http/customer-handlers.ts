import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { contextLogger } from '../logging/logger';
import type { Services } from '../app/create-services';
import { onboardCustomer } from '../onboarding/onboard-customer';
import { readJsonBody } from './parse-input';
import { loadRouteCustomer, readCustomerId } from './route-customer';

/** `GET /api/customers`: every customer with its last-run status. */
export async function listCustomers(services: Services): Promise<HttpResponseInit> {
  await services.ensureStorage();
  const [customers, statuses] = await Promise.all([services.registry.list(), services.statuses.list()]);
  const statusById = new Map(statuses.map((s) => [s.customerId, s]));
  return {
    status: 200,
    jsonBody: {
      customers: customers.map((customer) => ({ ...customer, status: statusById.get(customer.id) ?? null })),
    },
  };
}

/** `GET /api/customers/{id}`: one customer with its last-run status. */
export async function getCustomer(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const customer = await loadRouteCustomer(services, request);
  return { status: 200, jsonBody: { ...customer, status: (await services.statuses.find(customer.id)) ?? null } };
}

/**
 * `PUT /api/customers/{id}`: onboards (creates or replaces) a customer. A secret-based customer's
 * credential may come along as `secret` (client secret value) or `certificate` (PEM with key), plus
 * `expiresOn`: it is written to Key Vault and never stored, logged or echoed. The answer carries the
 * stored customer, the secret's new version and the connection test run at once.
 */
export async function putCustomer(
  services: Services,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = readCustomerId(request);
  const body = await readJsonBody(request);
  await services.ensureStorage();
  const result = await onboardCustomer(services, id, body, contextLogger(context));
  return { status: result.created ? 201 : 200, jsonBody: result };
}
