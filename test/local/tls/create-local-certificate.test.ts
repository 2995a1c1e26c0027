import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { writeCertificateFiles } from '../../../lib/local/tls/write-certificate-files';

describe('createLocalCertificate', () => {
  it('issues a certificate valid for 127.0.0.1 and localhost whose key matches', async () => {
    const cert = await createLocalCertificate();
    const x509 = new X509Certificate(cert.certPem);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkPrivateKey(createPrivateKey(cert.keyPem))).toBe(true);
    expect(x509.ca).toBe(true);
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now());
    expect(cert.caPem).toBe(cert.certPem);
  });

  it('makes a different key every time', async () => {
    const [a, b] = await Promise.all([createLocalCertificate(), createLocalCertificate()]);
    expect(a.keyPem).not.toBe(b.keyPem);
  });
});

describe('writeCertificateFiles', () => {
  it('writes cert, key and CA as PEM files with an owner-only key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ctc-cert-'));
    try {
      const cert = await createLocalCertificate();
      const files = await writeCertificateFiles(cert, path.join(dir, 'nested'));
      expect(await readFile(files.certPath, 'utf8')).toBe(cert.certPem);
      expect(await readFile(files.keyPath, 'utf8')).toBe(cert.keyPem);
      expect(await readFile(files.caPath, 'utf8')).toBe(cert.caPem);
      expect((await stat(files.keyPath)).mode & 0o077).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
