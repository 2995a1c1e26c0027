import { generate } from 'selfsigned';

/** A TLS identity for the local servers (sandbox cloud, Azurite). All values are PEM text. */
export interface LocalCertificate {
  /** Server certificate for 127.0.0.1 and localhost. */
  readonly certPem: string;
  /** Private key of `certPem`. Never log it. */
  readonly keyPem: string;
  /** What a client must trust. The certificate is self-signed, so it is its own CA. */
  readonly caPem: string;
}

/** Short validity: the certificate is made at every start-up and never leaves the machine. */
const VALIDITY_DAYS = 7;

/**
 * Creates a fresh self-signed certificate for `127.0.0.1` and `localhost` (subjectAltName IP
 * and DNS). It is marked as a CA so that OpenSSL accepts it as a trust anchor when a client
 * adds it to its trusted certificates.
 */
export async function createLocalCertificate(): Promise<LocalCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'cross-tenant-collector local sandbox' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private, caPem: pems.cert };
}
