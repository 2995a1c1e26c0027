import { getServices } from '../lib/app/services';
import { listIngestKeys } from '../lib/http/fabric-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/ingest-keys`: a customer's Fabric ingest key ids (never the keys). */
registerRoute('customer-ingest-keys', {
  methods: ['GET'],
  route: 'customers/{id}/ingest-keys',
  access: 'reader',
  handler: (request) => listIngestKeys(getServices(), request),
});
