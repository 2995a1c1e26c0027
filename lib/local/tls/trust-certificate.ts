import tls from 'node:tls';
import { AppError } from '../../errors/app-error';

/**
 * Makes this process trust `pem` for every TLS client created from now on, including the
 * https.Agent that the Azure SDK's node HTTP client builds for itself (it passes no `ca`, so
 * Node's default CA list applies). Uses Node 22's `tls.setDefaultCACertificates`; calling it
 * again with the same certificate changes nothing.
 */
export function trustCertificate(pem: string): void {
  const setDefault = (tls as { setDefaultCACertificates?: (certs: string[]) => void }).setDefaultCACertificates;
  if (typeof setDefault !== 'function') {
    throw new AppError({
      kind: 'internal',
      code: 'NodeTooOld',
      message: `tls.setDefaultCACertificates is missing in Node ${process.version}; run with Node 22 (node_modules/.bin/node)`,
    });
  }
  const wanted = normalizePem(pem);
  const current = tls.getCACertificates('default');
  if (current.some((cert) => normalizePem(cert) === wanted)) return;
  setDefault([...current, pem]);
}

function normalizePem(pem: string): string {
  return pem.replace(/\s+/g, '');
}
