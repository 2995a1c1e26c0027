import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/ingest-keys`: create (or, with `replaces`, rotate) a Fabric ingest key, shown once. */
registerRoute('customer-ingest-key-create', {
  methods: ['POST'],
  route: 'customers/{id}/ingest-keys',
  access: 'admin',
  handler: async (request) =>
    (await import('../lib/http/fabric-handlers.js')).createIngestKey(await loadServices(), request),
});
