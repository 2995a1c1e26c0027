/** What replaces a secret in any text that leaves the process. */
export const REDACTED = '[redacted]';

// JWTs (access tokens, client assertions), form/connection-string pairs (`client_secret=…`), JSON
// pairs (`"client_secret": "…"`, a Key Vault bundle's `"value": "…"`) and PEM private keys.
const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}\b/g;
const SECRET_KEYS = 'client_secret|client_assertion|access_token|refresh_token|password|AccountKey|sig';
const SECRET_PAIRS = new RegExp(`\\b(${SECRET_KEYS})=([^&\\s;"']+)`, 'gi');
const JSON_SECRET_PAIRS = new RegExp(
  `"(${SECRET_KEYS}|value|secret|clientSecret)"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"`,
  'gi',
);
// Fabric event push ingest keys (lib/fabric/ingest-key-store.ts): `ctcik_<16 hex>_<43 base64url>`.
const INGEST_KEY = /\bctcik_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/g;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;

/**
 * Removes known secret values and anything shaped like a token or a credential pair from `text`.
 * Every message we store, log or return passes through here: SDK errors may echo request details.
 */
export function redactSecrets(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    // Very short values would redact ordinary words; real secrets are long.
    if (secret && secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(PRIVATE_KEY, REDACTED)
    .replace(JWT, REDACTED)
    .replace(INGEST_KEY, REDACTED)
    .replace(SECRET_PAIRS, (_m, key: string) => `${key}=${REDACTED}`)
    .replace(JSON_SECRET_PAIRS, (_m, key: string) => `"${key}":"${REDACTED}"`);
}
