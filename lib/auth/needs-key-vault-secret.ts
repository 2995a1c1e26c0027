import type { AuthMode } from '../customers/customer';

/**
 * True for the auth modes whose credential material (a client secret, or a PEM certificate with
 * its private key) lives in the provider's Key Vault. The secretless modes (federated identity,
 * Lighthouse) have nothing to read, so the worker skips the Key Vault stage for them.
 */
export function needsKeyVaultSecret(authMode: AuthMode | string): boolean {
  return authMode === 'clientSecret' || authMode === 'certificate';
}
