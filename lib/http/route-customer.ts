import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { customerIdSchema, type Customer } from '../customers/customer';
import { parseInput } from './parse-input';

const customerRoute = z.object({ id: customerIdSchema });

/** The `{id}` route parameter, validated (a 400 naming the problem otherwise). */
export function readCustomerId(request: HttpRequest): string {
  return parseInput(customerRoute, request.params, 'Route').id;
}

/** The customer named by the `{id}` route parameter, with storage ready; a 404 when not registered. */
export async function loadRouteCustomer(services: Services, request: HttpRequest): Promise<Customer> {
  const id = readCustomerId(request);
  await services.ensureStorage();
  return services.registry.get(id);
}
