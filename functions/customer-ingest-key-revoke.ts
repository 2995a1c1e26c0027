import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `DELETE /api/customers/{id}/ingest-keys/{keyId}`: revoke one Fabric ingest key at once. */
registerRoute('customer-ingest-key-revoke', {
  methods: ['DELETE'],
  route: 'customers/{id}/ingest-keys/{keyId}',
  access: 'admin',
  handler: async (request) =>
    (await import('../lib/http/fabric-handlers.js')).revokeIngestKey(await loadServices(), request),
});
