import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { CustomerRegistry } from '../customers/customer-registry';
import { customerIdSchema } from '../customers/customer';
import { AppError } from '../errors/app-error';
import { parseInput, readJsonBody } from './parse-input';

const idParams = z.object({ id: customerIdSchema });

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
  const { id } = parseInput(idParams, request.params, 'Route');
  await services.ensureStorage();
  const customer = await services.registry.get(id);
  return { status: 200, jsonBody: { ...customer, status: (await services.statuses.find(id)) ?? null } };
}

/**
 * `PUT /api/customers/{id}`: creates or replaces a registration. The body never carries a secret:
 * secrets go to Key Vault, so a `secret`/`clientSecret` field is refused rather than silently dropped.
 */
export async function putCustomer(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const { id } = parseInput(idParams, request.params, 'Route');
  const body = await readJsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError({ kind: 'validation', code: 'InvalidRequest', message: 'Request body must be a JSON object' });
  }
  const record = body as Record<string, unknown>;
  const secretField = Object.keys(record).find((k) => /secret|password|certificate/i.test(k) && k !== 'secretName');
  if (secretField) {
    throw new AppError({
      kind: 'validation',
      code: 'SecretInRequest',
      message: `Field "${secretField}" looks like a secret; secrets are stored in Key Vault, never in the registry`,
    });
  }
  if (record.id !== undefined && record.id !== id) {
    throw new AppError({ kind: 'validation', code: 'InvalidRequest', message: `Body id "${String(record.id)}" does not match route id "${id}"` });
  }
  const customer = CustomerRegistry.validate({ ...record, id });
  await services.ensureStorage();
  const existed = (await services.registry.find(id)) !== undefined;
  await services.registry.put(customer);
  return { status: existed ? 200 : 201, jsonBody: customer };
}
