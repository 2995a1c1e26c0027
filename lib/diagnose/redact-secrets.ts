/** What replaces a secret in any text that leaves the process. */
export const REDACTED = '[redacted]';

// JWTs (access tokens, client assertions) and `client_secret=`/`"value":"..."` style pairs.
const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}\b/g;
const SECRET_PAIRS =
  /\b(client_secret|client_assertion|access_token|refresh_token|password|AccountKey|sig)=([^&\s;"']+)/gi;

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
  return result.replace(JWT, REDACTED).replace(SECRET_PAIRS, (_m, key: string) => `${key}=${REDACTED}`);
}
