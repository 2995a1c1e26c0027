import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/ingest-keys`: a customer's Fabric ingest key ids (never the keys). */
registerRoute('customer-ingest-keys', {
  methods: ['GET'],
  route: 'customers/{id}/ingest-keys',
  access: 'reader',
  handler: async (request) =>
    (await import('../lib/http/fabric-handlers.js')).listIngestKeys(await loadServices(), request),
});
