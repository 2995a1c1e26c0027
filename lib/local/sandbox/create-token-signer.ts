import { generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

/** Claims of an access token as the sandbox issues them (Entra v1 access-token layout). */
export interface SandboxTokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly tid: string;
  readonly oid: string;
  readonly sub: string;
  readonly appid: string;
  readonly azp: string;
  readonly idtyp: 'app';
  readonly ver: '1.0';
  readonly uti: string;
  readonly [claim: string]: unknown;
}

export interface TokenRequest {
  readonly audience: string;
  readonly tenantId: string;
  readonly objectId: string;
  readonly clientId: string;
  readonly lifetimeSeconds: number;
  readonly now: Date;
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: SandboxTokenClaims }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'signature' | 'expired' | 'notYetValid' | 'audience';
      readonly claims?: SandboxTokenClaims;
    };

export interface TokenSigner {
  /** Key id (`kid`) in every token header and in the JWKS. */
  readonly keyId: string;
  /** The public key as a JSON Web Key Set, served at `/{tenant}/discovery/v2.0/keys`. */
  readonly jwks: { readonly keys: readonly Record<string, unknown>[] };
  /** Issues an RS256 access token. */
  issue(request: TokenRequest): { readonly token: string; readonly claims: SandboxTokenClaims };
  /** Checks signature, lifetime and audience (trailing slashes ignored). */
  check(token: string, audiences: readonly string[], now: Date): TokenCheck;
}

/** The issuer Entra puts into v1 access tokens for `tenantId`. */
export function formatTokenIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

/**
 * Creates the sandbox's token signer: one RSA key per sandbox start, so tokens from an earlier
 * run can never be replayed against a new one. node:crypto is used rather than `jose` because
 * `jose` is ESM-only and the project compiles to CommonJS.
 */
export function createTokenSigner(): TokenSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomUUID().replace(/-/g, '');
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: keyId, use: 'sig', alg: 'RS256', kty: 'RSA' };
  return {
    keyId,
    jwks: { keys: [jwk] },
    issue: (request) => issueToken(privateKey, keyId, request),
    check: (token, audiences, now) => checkToken(publicKey, token, audiences, now),
  };
}

function issueToken(privateKey: KeyObject, keyId: string, request: TokenRequest) {
  const iat = Math.floor(request.now.getTime() / 1000);
  const claims: SandboxTokenClaims = {
    aud: request.audience,
    iss: formatTokenIssuer(request.tenantId),
    iat,
    nbf: iat,
    exp: iat + request.lifetimeSeconds,
    tid: request.tenantId,
    oid: request.objectId,
    sub: request.objectId,
    appid: request.clientId,
    azp: request.clientId,
    appidacr: '1',
    idp: formatTokenIssuer(request.tenantId),
    idtyp: 'app',
    ver: '1.0',
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ...request.extraClaims,
  };
  const header = { typ: 'JWT', alg: 'RS256', kid: keyId, x5t: keyId };
  const signingInput = `${encodeSegment(header)}.${encodeSegment(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');
  return { token: `${signingInput}.${signature}`, claims };
}

function checkToken(publicKey: KeyObject, token: string, audiences: readonly string[], now: Date): TokenCheck {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !header || !payload || !signature) return { ok: false, reason: 'malformed' };
  let claims: SandboxTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SandboxTokenClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const signed = verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
  if (!signed) return { ok: false, reason: 'signature', claims };
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { ok: false, reason: 'expired', claims };
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300)
    return { ok: false, reason: 'notYetValid', claims };
  const wanted = new Set(audiences.map(trimSlash));
  if (typeof claims.aud !== 'string' || !wanted.has(trimSlash(claims.aud)))
    return { ok: false, reason: 'audience', claims };
  return { ok: true, claims };
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '').toLowerCase();
}
