import { getServices } from '../lib/app/services';
import { revokeIngestKey } from '../lib/http/fabric-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `DELETE /api/customers/{id}/ingest-keys/{keyId}`: revoke one Fabric ingest key at once. */
registerRoute('customer-ingest-key-revoke', {
  methods: ['DELETE'],
  route: 'customers/{id}/ingest-keys/{keyId}',
  access: 'admin',
  handler: (request) => revokeIngestKey(getServices(), request),
});
