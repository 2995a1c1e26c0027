import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A certificate credential as a customer uploads it (public part) and the provider keeps it (all of it). */
export interface ClientCertificate {
  /** `-----BEGIN CERTIFICATE-----` only: what is registered on the app. */
  readonly certificatePem: string;
  /** PKCS#8 private key. Never log it. */
  readonly privateKeyPem: string;
  /** Certificate followed by key: the one Key Vault secret (`application/x-pem-file`). Never log it. */
  readonly pem: string;
  readonly notAfter: Date;
}

export interface ClientCertificateOptions {
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Creates a self-signed RSA certificate synchronously with node:crypto, by encoding the X.509 DER
 * directly: the `selfsigned` package is async only, and the demo scenario is built synchronously.
 * Entra ID only needs the public key and the thumbprint of an uploaded certificate, so a minimal
 * v3 certificate without extensions is what `New-SelfSignedCertificate` would give us as well.
 */
export function createClientCertificate(options: ClientCertificateOptions): ClientCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sha256WithRsa = sequence(oid([1, 2, 840, 113549, 1, 1, 11]), tlv(0x05, Buffer.alloc(0)));
  const name = sequence(set(sequence(oid([2, 5, 4, 3]), tlv(0x0c, Buffer.from(options.commonName, 'utf8')))));
  const serial = randomBytes(16);
  // A positive DER INTEGER without a leading zero byte (a leading 0x00 is "illegal padding" to
  // OpenSSL, which made ~1 in 128 certificates unreadable).
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    sha256WithRsa,
    name,
    sequence(time(options.notBefore), time(options.notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certificatePem = toPem('CERTIFICATE', der);
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificatePem, privateKeyPem, pem: `${certificatePem}${privateKeyPem}`, notAfter: options.notAfter };
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function integer(value: Buffer): Buffer {
  return tlv(0x02, value);
}

function oid(parts: readonly number[]): Buffer {
  const [first = 0, second = 0, ...rest] = parts;
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f];
    for (let n = part >> 7; n > 0; n >>= 7) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
