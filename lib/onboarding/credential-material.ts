import { z } from 'zod';

/**
 * What a provider sends when onboarding or rotating a secret-based customer: a client secret VALUE,
 * or a PEM holding the certificate and its private key. It goes to Key Vault and nowhere else.
 */
export const credentialMaterialSchema = z
  .object({
    /** The client secret value (not its ID). */
    secret: z.string().min(1).max(1024).optional(),
    /** PEM text: `-----BEGIN CERTIFICATE-----` block(s) plus the `-----BEGIN PRIVATE KEY-----` block. */
    certificate: z.string().min(1).max(25_000).optional(),
    /** When the secret expires (ISO 8601); a certificate's own `notAfter` is used when omitted. */
    expiresOn: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((m) => !(m.secret && m.certificate), { message: 'send either secret or certificate, not both' });

export type CredentialMaterial = z.infer<typeof credentialMaterialSchema>;

/** The field names that carry credential material in a request body (split off before validation). */
export const CREDENTIAL_FIELDS = ['secret', 'certificate', 'expiresOn'] as const;
