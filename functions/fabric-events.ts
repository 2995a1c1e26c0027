import { getServices } from '../lib/app/services';
import { postFabricEvents, verifyFabricIngestKey } from '../lib/http/fabric-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/fabric-events`: pushed Fabric capacity events, authenticated by the customer's ingest key. */
registerRoute('fabric-events', {
  methods: ['POST'],
  route: 'customers/{id}/fabric-events',
  access: 'ingestKey',
  verifyIngestKey: (request) => verifyFabricIngestKey(getServices(), request),
  handler: (request, _context, caller) => postFabricEvents(getServices(), request, caller),
});
