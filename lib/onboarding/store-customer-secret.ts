import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';
import { SECRET_OWNER_TAG } from '../auth/secret-ownership';
import type { Customer } from '../customers/customer';
import { AppError } from '../errors/app-error';
import type { CredentialMaterial } from './credential-material';

/** Content types Key Vault shows next to each secret, so an operator sees what it holds. */
export const SECRET_CONTENT_TYPES = { clientSecret: 'client-secret', certificate: 'application/x-pem-file' } as const;

export interface StoredSecret {
  readonly name: string;
  readonly version: string;
  readonly contentType: string;
  readonly expiresOn?: string;
}

/**
 * Writes a customer's credential to Key Vault as a new version of its secret: the value, a
 * content type, an expiry (given, or the certificate's own), and tags naming the customer so the
 * vault alone tells whose secret it is. The value never appears in a returned object, error or log.
 * @throws a validation AppError when the material does not fit the customer's auth mode.
 */
export async function storeCustomerSecret(
  client: SecretClient,
  customer: Customer,
  material: CredentialMaterial,
  now: Date,
): Promise<StoredSecret> {
  const { value, contentType, expiresOn } = prepare(customer, material);
  if (expiresOn && expiresOn.getTime() <= now.getTime()) {
    throw invalid(
      'CredentialExpired',
      `The ${describe(customer)} expired on ${expiresOn.toISOString()}; send a current one`,
    );
  }
  const stored = await client.setSecret(customer.secretName, value, {
    contentType,
    ...(expiresOn ? { expiresOn } : {}),
    // The owner tag is what every later read, rotation, overwrite and removal checks (secret-ownership.ts).
    tags: {
      [SECRET_OWNER_TAG]: customer.id,
      managedBy: 'cross-tenant-collector',
      tenantId: customer.tenantId,
      clientId: customer.clientId,
      authMode: customer.authMode,
    },
  });
  return {
    name: customer.secretName,
    version: stored.properties.version ?? 'unversioned',
    contentType,
    ...(expiresOn ? { expiresOn: expiresOn.toISOString() } : {}),
  };
}

function prepare(customer: Customer, material: CredentialMaterial) {
  const given = material.expiresOn ? new Date(material.expiresOn) : undefined;
  if (customer.authMode === 'clientSecret') {
    if (!material.secret)
      throw invalid('SecretRequired', `Customer ${customer.id} uses clientSecret: send "secret" (the secret VALUE)`);
    if (/^-----BEGIN /.test(material.secret.trim())) {
      throw invalid(
        'SecretLooksLikeCertificate',
        'The secret is a PEM block: use authMode "certificate" and send it as "certificate"',
      );
    }
    return { value: material.secret, contentType: SECRET_CONTENT_TYPES.clientSecret, expiresOn: given };
  }
  if (customer.authMode === 'certificate') {
    if (!material.certificate) {
      throw invalid(
        'CertificateRequired',
        `Customer ${customer.id} uses certificate: send "certificate" (PEM with the private key)`,
      );
    }
    const notAfter = checkPem(material.certificate);
    return { value: material.certificate, contentType: SECRET_CONTENT_TYPES.certificate, expiresOn: given ?? notAfter };
  }
  throw invalid(
    'SecretNotUsed',
    `Customer ${customer.id} uses ${customer.authMode}, which needs no secret: nothing is stored (remove "secret"/"certificate")`,
  );
}

/** Checks the PEM holds a certificate and its matching private key; returns the certificate's notAfter. */
function checkPem(pem: string): Date {
  const certificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const keyBlock = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
    pem,
  )?.[0];
  if (!certificateBlock) throw invalid('InvalidCertificate', 'The certificate PEM has no CERTIFICATE block');
  if (!keyBlock) {
    throw invalid(
      'InvalidCertificate',
      'The certificate PEM has no unencrypted PRIVATE KEY block (export it with the key, without a password)',
    );
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificateBlock);
    if (!x509.checkPrivateKey(createPrivateKey(keyBlock))) throw new Error('mismatch');
  } catch {
    // No cause attached: parser errors may quote the input.
    throw invalid(
      'InvalidCertificate',
      'The certificate PEM cannot be read, or its private key does not belong to its certificate',
    );
  }
  return new Date(x509.validTo);
}

function describe(customer: Customer): string {
  return customer.authMode === 'certificate' ? 'certificate' : 'client secret';
}

function invalid(code: string, message: string): AppError {
  return new AppError({ kind: 'validation', code, message });
}
