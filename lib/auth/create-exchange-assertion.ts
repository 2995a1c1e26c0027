import type { TokenCredential } from '@azure/identity';

/** The audience Entra ID expects on a token used as a federated client assertion (public cloud; TOKEN_EXCHANGE_AUDIENCE overrides it). */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

/** Refresh this long before expiry, as MSAL does, so an assertion never expires in flight. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Returns the `getAssertion` callback of a ClientAssertionCredential: the app's managed identity
 * token for `api://AzureADTokenExchange`. MSAL calls it twice per token request and once per
 * customer, so one cached MI token serves every federated customer until shortly before it expires.
 */
export function createExchangeAssertion(
  appIdentity: TokenCredential,
  now: () => number = Date.now,
  scope: string = TOKEN_EXCHANGE_SCOPE,
): () => Promise<string> {
  let cached: { token: string; expiresOnTimestamp: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached && cached.expiresOnTimestamp - REFRESH_MARGIN_MS > now()) return cached.token;
    pending ??= appIdentity
      .getToken(scope)
      .then((token) => {
        if (!token) throw new Error(`The managed identity returned no token for ${scope}`);
        cached = { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
        return token.token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
