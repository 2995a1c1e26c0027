import { getServices } from '../lib/app/services';
import { getCustomerResources } from '../lib/http/resources-handler';
import { registerRoute } from '../lib/http/register-route';

/** `GET /api/customers/{id}/resources`: each resource's latest ARM state and latest metric values. */
registerRoute('customer-resources', {
  methods: ['GET'],
  route: 'customers/{id}/resources',
  access: 'reader',
  handler: (request) => getCustomerResources(getServices(), request),
});
