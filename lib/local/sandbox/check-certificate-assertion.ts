import { constants, verify } from 'node:crypto';
import type { SandboxApp, SandboxCertificate } from './sandbox-state';

/** Entra's answer to a bad certificate assertion: the AADSTS code and what it says. */
export type CertificateAssertionFailure = 700027 | 700024;

interface AssertionHeader {
  readonly alg?: unknown;
  readonly x5t?: unknown;
  readonly 'x5t#S256'?: unknown;
}

/** True when a client assertion names a certificate thumbprint (as MSAL's certificate assertions do). */
export function namesCertificate(assertion: string): boolean {
  const header = decodeHeader(assertion);
  return typeof header?.['x5t#S256'] === 'string' || typeof header?.x5t === 'string';
}

/**
 * Checks a certificate-signed client assertion the way Entra ID does (RFC 7523): the thumbprint in
 * `x5t#S256` (PS256) or `x5t` (RS256) names a certificate registered on the app, the signature
 * verifies with its public key, `iss` = `sub` = the client id, `aud` is this token endpoint, and
 * the assertion and the certificate are within their validity.
 * @returns undefined when the assertion is accepted, otherwise Entra's error code.
 */
export function checkCertificateAssertion(
  app: SandboxApp,
  assertion: string,
  tokenEndpoints: readonly string[],
  now: Date,
): CertificateAssertionFailure | undefined {
  const [headerPart, payloadPart, signaturePart] = assertion.split('.');
  const header = decodeHeader(assertion);
  if (!header || !headerPart || !payloadPart || !signaturePart) return 700027;
  const certificate = findCertificate(app.certificates, header);
  if (!certificate) return 700027;
  const data = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const signed =
    header.alg === 'PS256'
      ? verify(
          'sha256',
          data,
          {
            key: certificate.publicKey,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_AUTO,
          },
          signature,
        )
      : header.alg === 'RS256' && verify('sha256', data, certificate.publicKey, signature);
  if (!signed) return 700027;
  let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown; nbf?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 700027;
  }
  const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : '');
  if (lower(claims.iss) !== app.clientId.toLowerCase() || lower(claims.sub) !== app.clientId.toLowerCase())
    return 700027;
  if (!tokenEndpoints.some((endpoint) => lower(claims.aud) === endpoint.toLowerCase())) return 700027;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return 700024;
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300) return 700024;
  if (certificate.notAfter.getTime() <= now.getTime() || certificate.notBefore.getTime() > now.getTime() + 300_000)
    return 700027;
  return undefined;
}

function findCertificate(certificates: readonly SandboxCertificate[], header: AssertionHeader) {
  const s256 = header['x5t#S256'];
  if (typeof s256 === 'string') return certificates.find((c) => c.x5tS256 === s256);
  const sha1 = header.x5t;
  return typeof sha1 === 'string' ? certificates.find((c) => c.x5t === sha1) : undefined;
}

function decodeHeader(assertion: string): AssertionHeader | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as AssertionHeader) : undefined;
  } catch {
    return undefined;
  }
}
