/**
 * Key Vault answers a read of a disabled secret version with 403 `Forbidden`, inner error `SecretDisabled`,
 * "Operation get is not allowed on a disabled secret." (Key Vault REST error reference; the secret's
 * `attributes.enabled` is false). It is a 403 like a missing role, but the cure differs: enable the secret
 * or store a new version, not assign a role. This tells the two apart.
 */
export function isDisabledSecretError(error: unknown): boolean {
  const record = error as { statusCode?: unknown; message?: unknown; details?: unknown } | undefined;
  if (record?.statusCode !== 403) return false;
  const details = record.details as { error?: { innererror?: { code?: unknown } } } | undefined;
  if (details?.error?.innererror?.code === 'SecretDisabled') return true;
  return typeof record.message === 'string' && /not allowed on a disabled secret/i.test(record.message);
}
