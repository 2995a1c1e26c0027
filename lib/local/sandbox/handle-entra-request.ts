import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildEntraError, type EntraErrorCode } from './build-entra-error';
import { checkCertificateAssertion, namesCertificate } from './check-certificate-assertion';
import { readRequestBody } from './read-request-body';
import { ACCESS_TOKEN_LIFETIME_SECONDS, type SandboxContext } from './sandbox-context';
import type { SandboxApp } from './sandbox-state';
import { sendJson } from './send-json';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Serves the Entra ID endpoints MSAL uses for the client-credentials flow: tenant metadata
 * (`/{tenant}/v2.0/.well-known/openid-configuration`), signing keys and the v2 token endpoint.
 * Failures use Entra's own error bodies and status codes.
 */
export async function handleEntraRequest(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const segments = path.split('/').filter(Boolean);
  const tenant = segments[0] ?? '';
  const route = segments.slice(1).join('/').toLowerCase();
  const correlationId = header(req, 'client-request-id');

  if (req.method === 'GET' && route === 'v2.0/.well-known/openid-configuration') {
    if (!context.state.findTenant(tenant))
      return sendEntraError(context, res, 90002, { tenantId: tenant, correlationId });
    return sendJson(res, 200, buildOpenIdConfiguration(context.urls.authorityHost, tenant));
  }
  if (req.method === 'GET' && (route === 'discovery/v2.0/keys' || route === 'discovery/keys')) {
    return sendJson(res, 200, context.signer.jwks);
  }
  if (req.method === 'POST' && route === 'oauth2/v2.0/token') {
    const form = new URLSearchParams(await readRequestBody(req));
    return issueClientCredentialsToken(context, res, tenant, form, correlationId);
  }
  sendJson(res, 404, {
    error: 'not_found',
    error_description: `The sandbox has no Entra endpoint ${req.method} ${path}`,
  });
}

function issueClientCredentialsToken(
  context: SandboxContext,
  res: ServerResponse,
  tenantId: string,
  form: URLSearchParams,
  correlationId: string | undefined,
): void {
  const { state } = context;
  const clientId = form.get('client_id') ?? '';
  const fail = (code: EntraErrorCode, app?: SandboxApp) =>
    sendEntraError(context, res, code, {
      tenantId,
      clientId,
      correlationId,
      ...(app ? { appName: app.displayName } : {}),
    });

  if (form.get('grant_type') !== 'client_credentials') return fail(70003);
  if (!state.findTenant(tenantId)) return fail(90002);
  const scope = form.get('scope');
  if (!scope) return fail(90014);
  const app = state.findApp(tenantId, clientId);
  if (!app || app.deleted) return fail(700016);
  if (!app.enabled) return fail(7000112, app);

  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    const match = app.secrets.find((s) => s.value === secret);
    if (!match) return fail(7000215, app);
    if (match.expiresAt.getTime() <= state.now().getTime()) return fail(7000222, app);
  } else if (assertion !== null && form.get('client_assertion_type') === JWT_BEARER) {
    // Sandbox-signed tokens (managed identity exchange tokens) also carry an x5t: tell them apart by kid.
    const code =
      namesCertificate(assertion) && !isSandboxToken(context, assertion)
        ? checkCertificateAssertion(app, assertion, tokenEndpoints(context, tenantId), state.now())
        : checkFederatedAssertion(context, app, assertion);
    if (code) return fail(code, app);
  } else {
    return fail(7000216, app);
  }

  const { token } = context.signer.issue({
    audience: audienceOfScope(scope),
    tenantId: app.tenantId,
    objectId: app.objectId,
    clientId: app.clientId,
    lifetimeSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
    now: state.now(),
  });
  sendJson(
    res,
    200,
    {
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      ext_expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      access_token: token,
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}

/**
 * Workload identity federation: the assertion must be a token the sandbox signed (e.g. a
 * managed identity token for `api://AzureADTokenExchange`) whose issuer, subject and audience
 * match one of the app's federated credentials.
 */
function checkFederatedAssertion(
  context: SandboxContext,
  app: SandboxApp,
  assertion: string,
): EntraErrorCode | undefined {
  const audiences = app.federatedCredentials.map((c) => c.audience);
  if (audiences.length === 0) return 70021;
  const checked = context.signer.check(assertion, audiences, context.state.now());
  if (!checked.ok) return 70021;
  const { iss, sub, aud } = checked.claims;
  const sameIssuer = app.federatedCredentials.filter(
    (c) => c.issuer === iss && c.audience.replace(/\/+$/, '') === aud.replace(/\/+$/, ''),
  );
  if (sameIssuer.length === 0) return 70021;
  return sameIssuer.some((c) => c.subject === sub) ? undefined : 700213;
}

/** The audiences a certificate assertion may name: this tenant's v2 and v1 token endpoints. */
function tokenEndpoints(context: SandboxContext, tenantId: string): string[] {
  const base = `${context.urls.authorityHost}/${tenantId}`;
  return [`${base}/oauth2/v2.0/token`, `${base}/oauth2/token`];
}

function isSandboxToken(context: SandboxContext, assertion: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return header.kid === context.signer.keyId;
  } catch {
    return false;
  }
}

/** `https://management.azure.com/.default` -> `https://management.azure.com`. */
function audienceOfScope(scope: string): string {
  const first = scope.split(' ').find((s) => s.endsWith('/.default')) ?? scope.split(' ')[0] ?? scope;
  return first.replace(/\/\.default$/, '');
}

function sendEntraError(
  context: SandboxContext,
  res: ServerResponse,
  code: EntraErrorCode,
  details: { tenantId?: string; clientId?: string; appName?: string; correlationId?: string | undefined },
): void {
  const { status, body } = buildEntraError({
    code,
    authorityHost: context.urls.authorityHost,
    now: context.state.now(),
    ...(details.tenantId !== undefined ? { tenantId: details.tenantId } : {}),
    ...(details.clientId !== undefined ? { clientId: details.clientId } : {}),
    ...(details.appName !== undefined ? { appName: details.appName } : {}),
    ...(details.correlationId !== undefined ? { correlationId: details.correlationId } : {}),
  });
  sendJson(res, status, body, { 'cache-control': 'no-store, no-cache' });
}

/** The tenant metadata document, with every field MSAL reads. */
function buildOpenIdConfiguration(authorityHost: string, tenantId: string): Record<string, unknown> {
  const base = `${authorityHost}/${tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${authorityHost}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
