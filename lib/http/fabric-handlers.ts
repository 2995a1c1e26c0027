import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../app/create-services';
import { AppError } from '../errors/app-error';
import { isFabricCapacity } from '../fabric/fabric-metrics';
import { parseCapacityEvents } from '../fabric/parse-capacity-events';
import { parseInput, readJsonBody } from './parse-input';
import type { IngestCaller } from './register-route';
import { loadRouteCustomer, readCustomerId } from './route-customer';

/**
 * The ingest-key check of the push route (registerRoute's `verifyIngestKey`): the key must be a live
 * key of the customer the route names. A wrong key and an unknown customer look the same: 401.
 */
export async function verifyFabricIngestKey(services: Services, request: HttpRequest): Promise<IngestCaller> {
  const id = readCustomerId(request);
  await services.ensureStorage();
  if (!(await services.ingestKeys.verify(id, presentedKey(request)))) {
    throw new AppError({
      kind: 'unauthenticated',
      code: 'IngestKeyInvalid',
      message: `Send a live ingest key of customer ${id} in the ${INGEST_KEY_HEADER} header (an admin creates one with POST /api/customers/${id}/ingest-keys)`,
    });
  }
  return { kind: 'ingestKey', customerId: id };
}

/** Header carrying a customer's ingest key (or `Authorization: Bearer <key>`). */
export const INGEST_KEY_HEADER = 'x-ctc-ingest-key';

/**
 * `POST /api/customers/{id}/fabric-events`: a batch of Real-Time hub capacity overview events
 * (`Microsoft.Fabric.Capacity.Summary` / `.State`) as an Eventstream or a customer notebook sends them.
 * The key is checked before anything about the customer is revealed (a wrong key and an unknown customer
 * look the same: 401). Events are deduplicated (event id, and one Summary per capacity and window);
 * a malformed or out-of-range event refuses the batch with a 400 naming the event and the reason.
 */
export async function postFabricEvents(
  services: Services,
  request: HttpRequest,
  caller: IngestCaller,
): Promise<HttpResponseInit> {
  const id = caller.customerId;
  const customer = await services.registry.get(id);
  if (customer.fabric?.mode !== 'push') {
    throw new AppError({
      kind: 'validation',
      code: 'FabricPushNotEnabled',
      message: `Customer ${id} does not collect Fabric capacity events: set "fabric": {"mode": "push"} on it first`,
    });
  }
  const events = parseCapacityEvents(await readJsonBody(request), services.now());
  const capacities = new Set(
    customer.resources
      .filter((r) => isFabricCapacity(r.resourceId))
      .map((r) => r.resourceId.split('/').pop()?.toLowerCase()),
  );
  const foreign = events.findIndex((e) => !capacities.has(e.capacityName.toLowerCase()));
  if (foreign >= 0) {
    const event = events[foreign];
    throw new AppError({
      kind: 'validation',
      code: 'InvalidCapacityEvents',
      message: `Event ${foreign} (id ${event?.id}): capacity "${event?.capacityName}" is not one of ${id}'s Fabric capacities (${[...capacities].join(', ') || 'none configured'})`,
      details: {
        events: [{ index: foreign, id: event?.id, problems: ['data.capacityName: not a capacity of this customer'] }],
      },
    });
  }
  const stored = await services.capacityEvents.add(id, events);
  return { status: 200, jsonBody: { received: events.length, ...stored } };
}

const createKeyBody = z
  .object({
    replaces: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'must be a key id')
      .optional(),
  })
  .strict();

/**
 * `POST /api/customers/{id}/ingest-keys`: a new ingest key, shown this once (only its hash is kept).
 * `{"replaces": "<keyId>"}` rotates: the old key is revoked once the new one exists.
 */
export async function createIngestKey(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const customer = await loadRouteCustomer(services, request);
  const text = await request.text();
  const body = parseInput(
    createKeyBody,
    text.trim() ? await readJsonBody({ text: async () => text, headers: request.headers }) : {},
    'Body',
  );
  const created = await services.ingestKeys.create(customer.id);
  const revoked = body.replaces ? await services.ingestKeys.revoke(customer.id, body.replaces) : undefined;
  return {
    status: 201,
    headers: { 'cache-control': 'no-store' },
    jsonBody: {
      ...created,
      note: `Shown once: store it now. Send it in the ${INGEST_KEY_HEADER} header to POST /api/customers/${customer.id}/fabric-events.`,
      ...(revoked ? { revoked } : {}),
    },
  };
}

/** `GET /api/customers/{id}/ingest-keys`: key ids with created/revoked dates, never a key or hash. */
export async function listIngestKeys(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const customer = await loadRouteCustomer(services, request);
  return { status: 200, jsonBody: { keys: await services.ingestKeys.list(customer.id) } };
}

const keyRoute = z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be a key id') });

/** `DELETE /api/customers/{id}/ingest-keys/{keyId}`: revokes the key at once. */
export async function revokeIngestKey(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const customer = await loadRouteCustomer(services, request);
  const { keyId } = parseInput(keyRoute, { keyId: request.params.keyId }, 'Route');
  return { status: 200, jsonBody: await services.ingestKeys.revoke(customer.id, keyId) };
}

function presentedKey(request: HttpRequest): string | undefined {
  const header = request.headers.get(INGEST_KEY_HEADER)?.trim();
  if (header) return header;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
  return bearer?.[1];
}
