import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalCertificate } from './create-local-certificate';

export interface CertificateFiles {
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPath: string;
}

/**
 * Writes the certificate as PEM files, because Azurite only takes `--cert`/`--key` paths.
 * The key file is readable by the owner only.
 */
export async function writeCertificateFiles(certificate: LocalCertificate, dir: string): Promise<CertificateFiles> {
  await mkdir(dir, { recursive: true });
  const files: CertificateFiles = {
    certPath: path.join(dir, 'sandbox-cert.pem'),
    keyPath: path.join(dir, 'sandbox-key.pem'),
    caPath: path.join(dir, 'sandbox-ca.pem'),
  };
  await writeFile(files.certPath, certificate.certPem);
  await writeFile(files.keyPath, certificate.keyPem, { mode: 0o600 });
  await writeFile(files.caPath, certificate.caPem);
  return files;
}
