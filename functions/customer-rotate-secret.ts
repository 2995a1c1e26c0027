import { getServices } from '../lib/app/services';
import { rotateSecret } from '../lib/http/onboarding-handlers';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/rotate-secret`: store a new secret/certificate version and test it. */
registerRoute('customer-rotate-secret', {
  methods: ['POST'],
  route: 'customers/{id}/rotate-secret',
  access: 'admin',
  handler: (request, context) => rotateSecret(getServices(), request, context),
});
