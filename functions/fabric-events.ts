import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/fabric-events`: pushed Fabric capacity events, authenticated by the customer's ingest key. */
registerRoute('fabric-events', {
  methods: ['POST'],
  route: 'customers/{id}/fabric-events',
  access: 'ingestKey',
  verifyIngestKey: async (request) =>
    (await import('../lib/http/fabric-handlers.js')).verifyFabricIngestKey(await loadServices(), request),
  handler: async (request, _context, caller) =>
    (await import('../lib/http/fabric-handlers.js')).postFabricEvents(await loadServices(), request, caller),
});
