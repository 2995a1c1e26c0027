import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_LIFETIME_SECONDS, type SandboxContext } from './sandbox-context';
import { sendJson } from './send-json';

/** Audience a managed identity token has when it is used as a federated client assertion. */
const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * Serves the App Service / Functions managed identity endpoint (`IDENTITY_ENDPOINT`):
 * `GET ?api-version=2019-08-01&resource=...[&client_id=...]` with the `X-IDENTITY-HEADER`
 * secret. Tokens are issued in the home tenant to the sandbox's managed identity.
 */
export function handleIdentityRequest(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  const { state } = context;
  if (req.headers['x-identity-header'] !== context.identityHeader) {
    return sendJson(res, 401, {
      statusCode: 401,
      message: 'Unauthorized: the X-IDENTITY-HEADER header is missing or wrong.',
    });
  }
  if (query.get('api-version') !== '2019-08-01') {
    return sendJson(res, 400, { statusCode: 400, message: 'Unsupported or missing api-version; expected 2019-08-01.' });
  }
  const resource = query.get('resource');
  if (!resource) return sendJson(res, 400, { statusCode: 400, message: "The 'resource' query parameter is required." });
  const clientId = query.get('client_id');
  const objectId = query.get('object_id') ?? query.get('principal_id');
  const identity = state.managedIdentity;
  if ((clientId && !same(clientId, identity.clientId)) || (objectId && !same(objectId, identity.objectId))) {
    return sendJson(res, 400, {
      statusCode: 400,
      message: 'Unable to load the proper Managed Identity.',
      correlationId: randomUUID(),
    });
  }

  const audience = resource.replace(/\/\.default$/, '');
  const { token, claims } = context.signer.issue({
    audience,
    tenantId: state.homeTenantId,
    objectId: identity.objectId,
    clientId: identity.clientId,
    lifetimeSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
    now: state.now(),
    // Exchange tokens are v2 tokens: their issuer is what federated credentials name.
    extraClaims:
      audience === TOKEN_EXCHANGE_AUDIENCE
        ? { iss: `https://login.microsoftonline.com/${state.homeTenantId}/v2.0`, ver: '2.0' }
        : {
            xms_mirid: `/subscriptions/sandbox/resourcegroups/sandbox/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-sandbox`,
          },
  });
  sendJson(res, 200, {
    access_token: token,
    expires_on: String(claims.exp),
    resource,
    token_type: 'Bearer',
    client_id: identity.clientId,
  });
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
