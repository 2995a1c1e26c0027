import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { createExchangeAssertion, TOKEN_EXCHANGE_SCOPE } from '../../lib/auth/create-exchange-assertion';

/** A TokenCredential that counts calls (a port implementation, not a mock of an Azure package). */
function countingIdentity(lifetimeMs: number, clock: { now: number }) {
  const scopes: string[] = [];
  const credential: TokenCredential = {
    getToken(scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      scopes.push(String(scope));
      return Promise.resolve({ token: `token-${scopes.length}`, expiresOnTimestamp: clock.now + lifetimeMs });
    },
  };
  return { credential, scopes };
}

describe('createExchangeAssertion', () => {
  it('asks the managed identity for the token-exchange audience once while the token is fresh', async () => {
    const clock = { now: 1_000_000 };
    const identity = countingIdentity(3_600_000, clock);
    const assertion = createExchangeAssertion(identity.credential, () => clock.now);
    const tokens = await Promise.all([assertion(), assertion(), assertion()]);
    clock.now += 30 * 60_000;
    tokens.push(await assertion());
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1', 'token-1']);
    expect(identity.scopes).toEqual([TOKEN_EXCHANGE_SCOPE]);
  });

  it('gets a new token within five minutes of expiry', async () => {
    const clock = { now: 1_000_000 };
    const identity = countingIdentity(3_600_000, clock);
    const assertion = createExchangeAssertion(identity.credential, () => clock.now);
    await assertion();
    clock.now += 56 * 60_000;
    expect(await assertion()).toBe('token-2');
  });
});
