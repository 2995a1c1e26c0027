import { AppError } from '../errors/app-error';

/**
 * The app roles declared on the collector's Entra app registration (infra/modules/operator-auth.bicep
 * documents them) and what each lets an operator do. `admin` includes everything `reader` may do.
 */
export const OPERATOR_APP_ROLES = {
  /** Queries, health, dashboard, audits. */
  reader: 'Collector.Reader',
  /** Onboard, rotate, delete, collect, test, plus everything a reader may do. */
  admin: 'Collector.Admin',
} as const;
export type OperatorRole = keyof typeof OPERATOR_APP_ROLES;

/** The header App Service Authentication (Easy Auth) sets after validating the caller's Entra token. */
export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

/** Who is calling, as App Service Authentication validated them. */
export interface OperatorPrincipal {
  /** Entra object id (user or service principal); stable, what the audit keys on. */
  readonly id: string;
  /** UPN, e-mail or app display name: what a person reading the audit recognises. */
  readonly name: string;
  /** `aad` for Entra ID. */
  readonly identityProvider: string;
  /** The app roles the token carries (values such as `Collector.Admin`). */
  readonly appRoles: readonly string[];
}

// Easy Auth maps some claim names (docs: "these claims go through default claim mapping"), so both the
// short JWT names and the long WS-* URIs appear in the field.
const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const NAME_CLAIMS = ['preferred_username', 'upn', 'name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'];
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
const APP_ID_CLAIMS = ['azp', 'appid'];
const MAX_HEADER_CHARS = 16_384;

interface ClientPrincipalPayload {
  auth_typ?: unknown;
  claims?: unknown;
  name_typ?: unknown;
  role_typ?: unknown;
}

/**
 * Decodes `X-MS-CLIENT-PRINCIPAL`: base64 JSON `{auth_typ, claims: [{typ, val}], name_typ, role_typ}`
 * (learn.microsoft.com/azure/app-service/configure-authentication-user-identities, "Decoding the client
 * principal header"). App Service sets the header only after validating the token and strips any a client
 * sends ("External requests aren't allowed to set these headers"), so it is trusted only when the platform
 * says authentication is on (see `authorizeRoute`).
 * @returns undefined when the header is absent; throws an unauthenticated AppError when it is malformed.
 */
export function readClientPrincipal(headerValue: string | null | undefined): OperatorPrincipal | undefined {
  if (!headerValue) return undefined;
  const malformed = () =>
    new AppError({
      kind: 'unauthenticated',
      code: 'MalformedClientPrincipal',
      message: 'The X-MS-CLIENT-PRINCIPAL header is not the base64 JSON App Service Authentication sets',
    });
  if (headerValue.length > MAX_HEADER_CHARS || !/^[A-Za-z0-9+/=_-]+$/.test(headerValue)) throw malformed();
  let payload: ClientPrincipalPayload;
  try {
    payload = JSON.parse(Buffer.from(headerValue, 'base64').toString('utf8')) as ClientPrincipalPayload;
  } catch {
    throw malformed();
  }
  if (!payload || typeof payload !== 'object' || !Array.isArray(payload.claims)) throw malformed();
  const claims = payload.claims.filter(
    (c): c is { typ: string; val: string } =>
      !!c &&
      typeof c === 'object' &&
      typeof (c as { typ?: unknown }).typ === 'string' &&
      typeof (c as { val?: unknown }).val === 'string',
  );
  const first = (types: readonly string[]): string | undefined =>
    types.map((t) => claims.find((c) => c.typ.toLowerCase() === t.toLowerCase())?.val).find((v) => v);
  const roleTypes = typeof payload.role_typ === 'string' ? [payload.role_typ, ...ROLE_CLAIMS] : ROLE_CLAIMS;
  const nameTypes = typeof payload.name_typ === 'string' ? [...NAME_CLAIMS, payload.name_typ] : NAME_CLAIMS;
  const id = first(OBJECT_ID_CLAIMS) ?? first(APP_ID_CLAIMS);
  if (!id) throw malformed();
  return {
    id,
    name: first(nameTypes) ?? first(APP_ID_CLAIMS) ?? id,
    identityProvider: typeof payload.auth_typ === 'string' ? payload.auth_typ : 'unknown',
    appRoles: [
      ...new Set(
        claims.filter((c) => roleTypes.some((t) => t.toLowerCase() === c.typ.toLowerCase())).map((c) => c.val),
      ),
    ],
  };
}

/** True when the principal's app roles allow `role` (admin includes reader). */
export function hasOperatorRole(principal: OperatorPrincipal, role: OperatorRole): boolean {
  const roles = new Set(principal.appRoles);
  if (roles.has(OPERATOR_APP_ROLES.admin)) return true;
  return role === 'reader' && roles.has(OPERATOR_APP_ROLES.reader);
}

/**
 * The header value App Service would set for a principal: what the local host injects for its development
 * principal, and what tests send. Shaped like Easy Auth's own (role claims under `roles`).
 */
export function encodeClientPrincipal(principal: {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly OperatorRole[];
}): string {
  const payload = {
    auth_typ: 'aad',
    claims: [
      { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: principal.id },
      { typ: 'preferred_username', val: principal.name },
      { typ: 'name', val: principal.name },
      ...principal.roles.map((role) => ({ typ: 'roles', val: OPERATOR_APP_ROLES[role] })),
    ],
    name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}
