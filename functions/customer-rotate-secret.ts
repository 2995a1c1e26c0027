import { loadServices } from '../lib/app/services';
import { registerRoute } from '../lib/http/register-route';

/** `POST /api/customers/{id}/rotate-secret`: store a new secret/certificate version and test it. */
registerRoute('customer-rotate-secret', {
  methods: ['POST'],
  route: 'customers/{id}/rotate-secret',
  access: 'admin',
  handler: async (request, context) =>
    (await import('../lib/http/onboarding-handlers.js')).rotateSecret(await loadServices(), request, context),
});
