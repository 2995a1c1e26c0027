import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCertificateAssertion, namesCertificate } from '../../../lib/local/sandbox/check-certificate-assertion';
import { createClientCertificate } from '../../../lib/local/sandbox/create-client-certificate';
import { SandboxState } from '../../../lib/local/sandbox/sandbox-state';

const TENANT = '11111111-0000-4000-8000-000000000001';
const CLIENT = '11111111-0000-4000-8000-000000000003';
const ENDPOINT = `https://127.0.0.1:9/${TENANT}/oauth2/v2.0/token`;
const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

const certificate = createClientCertificate({
  commonName: 'test',
  notBefore: new Date(NOW.getTime() - DAY),
  notAfter: new Date(NOW.getTime() + DAY),
});
const other = createClientCertificate({
  commonName: 'other',
  notBefore: new Date(NOW.getTime() - DAY),
  notAfter: new Date(NOW.getTime() + DAY),
});

function appWithCertificate() {
  const state = new SandboxState({ tenants: [{ tenantId: TENANT }] });
  state.addApp({ tenantId: TENANT, clientId: CLIENT, objectId: '11111111-0000-4000-8000-000000000004' });
  state.addCertificate(TENANT, CLIENT, { certificatePem: certificate.certificatePem });
  const app = state.findApp(TENANT, CLIENT);
  if (!app) throw new Error('app missing');
  return app;
}

/** Signs an assertion as MSAL does (RS256 + x5t, or PS256 + x5t#S256). */
function assertion(
  options: { alg?: 'RS256' | 'PS256'; signer?: typeof certificate; claims?: Record<string, unknown> } = {},
) {
  const alg = options.alg ?? 'RS256';
  const signer = options.signer ?? certificate;
  const der = new X509Certificate(signer.certificatePem).raw;
  const header =
    alg === 'RS256'
      ? { alg, typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url') }
      : { alg, typ: 'JWT', 'x5t#S256': createHash('sha256').update(der).digest('base64url') };
  const iat = Math.floor(NOW.getTime() / 1000);
  const claims = { aud: ENDPOINT, iss: CLIENT, sub: CLIENT, nbf: iat, exp: iat + 600, jti: 'x', ...options.claims };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const key = createPrivateKey(signer.privateKeyPem);
  const signature =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key)
      : sign('sha256', Buffer.from(input), { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 });
  return `${input}.${signature.toString('base64url')}`;
}

describe('checkCertificateAssertion', () => {
  it('accepts an RS256 assertion with x5t and a PS256 assertion with x5t#S256 from a registered certificate', () => {
    const app = appWithCertificate();
    expect(namesCertificate(assertion())).toBe(true);
    expect(checkCertificateAssertion(app, assertion(), [ENDPOINT], NOW)).toBeUndefined();
    expect(checkCertificateAssertion(app, assertion({ alg: 'PS256' }), [ENDPOINT], NOW)).toBeUndefined();
  });

  it('answers AADSTS700027 for an unregistered certificate, a forged signature, a wrong audience or issuer', () => {
    const app = appWithCertificate();
    expect(checkCertificateAssertion(app, assertion({ signer: other }), [ENDPOINT], NOW)).toBe(700027);
    const [h, p] = assertion().split('.');
    const forged = `${h}.${p}.${assertion({ signer: other }).split('.')[2]}`;
    expect(checkCertificateAssertion(app, forged, [ENDPOINT], NOW)).toBe(700027);
    expect(
      checkCertificateAssertion(app, assertion({ claims: { aud: 'https://elsewhere/token' } }), [ENDPOINT], NOW),
    ).toBe(700027);
    expect(checkCertificateAssertion(app, assertion({ claims: { iss: 'someone-else' } }), [ENDPOINT], NOW)).toBe(
      700027,
    );
  });

  it('answers AADSTS700024 for an expired assertion and AADSTS700027 once the certificate itself expired', () => {
    const app = appWithCertificate();
    const iat = Math.floor(NOW.getTime() / 1000);
    expect(checkCertificateAssertion(app, assertion({ claims: { exp: iat - 1 } }), [ENDPOINT], NOW)).toBe(700024);
    const later = new Date(NOW.getTime() + 2 * DAY);
    const lateIat = Math.floor(later.getTime() / 1000);
    expect(
      checkCertificateAssertion(app, assertion({ claims: { nbf: lateIat, exp: lateIat + 600 } }), [ENDPOINT], later),
    ).toBe(700027);
  });
});

describe('createClientCertificate', () => {
  it('makes a certificate X509Certificate parses, self-signed, with the requested validity and a matching key', () => {
    const x509 = new X509Certificate(certificate.certificatePem);
    expect(x509.subject).toBe('CN=test');
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(new Date(x509.validTo).getTime()).toBe(Math.floor((NOW.getTime() + DAY) / 1000) * 1000);
    expect(x509.checkPrivateKey(createPrivateKey(certificate.privateKeyPem))).toBe(true);
    expect(certificate.pem).toBe(certificate.certificatePem + certificate.privateKeyPem);
  });
});
