import { describe, expect, it } from 'vitest';
import { entraErrorCodeIn, isTransientEntraFailure } from '../../lib/diagnose/entra-transient-error';

// The forms are the ones @azure/identity 4.13 / msal-node 3 produce (seen through the sandbox in
// test/collect/handle-collect-message.test.ts) and the msal-browser form quoted in
// AzureAD/microsoft-authentication-library-for-js#4019.
const TOKEN_ENDPOINT_FORM =
  'temporarily_unavailable: Error(s): 90033 - Timestamp: 2026-12-02 13:29:21Z - Description: AADSTS90033: A transient error has occurred. Please try again.\r\nTrace ID: a8 - Correlation ID: 96 - Trace ID: a8';
const THROTTLE_CACHE_FORM = '90055: AADSTS90055: TenantThrottlingError - There are too many incoming requests.';
const NO_PREFIX_FORM =
  'temporarily_unavailable: 50033 - [2021-08-02 15:36:10Z]: CCS could not serve the request that had failed at ESTS due to server error';

describe('isTransientEntraFailure', () => {
  it('recognises AADSTS90033 as MSAL reports it from the token endpoint, with no HTTP status', () => {
    expect(isTransientEntraFailure(TOKEN_ENDPOINT_FORM)).toBe(true);
    expect(entraErrorCodeIn(TOKEN_ENDPOINT_FORM)).toBe(90033);
  });

  it("recognises a code replayed from MSAL's throttling cache and one without the AADSTS prefix", () => {
    expect(isTransientEntraFailure(THROTTLE_CACHE_FORM)).toBe(true);
    expect(entraErrorCodeIn(NO_PREFIX_FORM)).toBe(50033);
    expect(isTransientEntraFailure(NO_PREFIX_FORM)).toBe(true);
  });

  it('treats any temporarily_unavailable answer as transient, whatever its code', () => {
    expect(isTransientEntraFailure('temporarily_unavailable: Error(s): 12345 - Description: busy')).toBe(true);
  });

  it('never calls a credential failure transient', () => {
    for (const permanent of [
      'invalid_client: Error(s): 7000222 - Description: AADSTS7000222: The provided client secret keys for app are expired.',
      'invalid_client: Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided.',
      'unauthorized_client: Error(s): 700016 - Description: AADSTS700016: Application with identifier was not found',
      'AADSTS90002: Tenant not found.',
      'invalid_request: Error(s): 70021 - Description: AADSTS70021: No matching federated identity record found',
    ]) {
      expect(isTransientEntraFailure(permanent)).toBe(false);
    }
  });
});
