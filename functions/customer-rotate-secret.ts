import { app } from '@azure/functions';
import { getServices } from '../lib/app/services';
import { rotateSecret } from '../lib/http/onboarding-handlers';
import { withProblemResponses } from '../lib/http/with-problem-responses';

/** `POST /api/customers/{id}/rotate-secret`: store a new secret/certificate version and test it. */
app.http('customer-rotate-secret', {
  methods: ['POST'],
  route: 'customers/{id}/rotate-secret',
  authLevel: 'function',
  handler: withProblemResponses((request, context) => rotateSecret(getServices(), request, context)),
});
