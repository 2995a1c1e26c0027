/**
 * Entra ID (AADSTS) codes that mean "the service failed, try the same request again later".
 *
 * Source: Microsoft Entra authentication and authorization error codes,
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes :
 * - 50033 RetryableError ("a transient error not related to the database operations")
 * - 50196 LoopDetected (too many identical requests in a short time: a throttle; back off and retry)
 * - 90006 ExternalServerRetryableError ("the service is temporarily unavailable")
 * - 90012 RequestTimeout
 * - 90024 RequestBudgetExceededError ("a transient error has occurred. Try again")
 * - 90033 MsodsServiceUnavailable (the directory service is not available)
 * - 90055 TenantThrottlingError ("too many incoming requests")
 * - 90090 GraphRetryableError, 90091 GraphServiceUnreachable
 * The same page gives the OAuth `error` value `temporarily_unavailable` the client action "Retry the request".
 */
export const TRANSIENT_ENTRA_CODES: ReadonlySet<number> = new Set([
  50033, 50196, 90006, 90012, 90024, 90033, 90055, 90090, 90091,
]);

/**
 * How a token-endpoint failure reaches us through @azure/identity 4.x (msal-node 3.x): MSAL's
 * ServerError (which carries the HTTP status) is rewrapped by identity's `handleMsalError` as an
 * `AuthenticationRequiredError` with only the message, so the status is gone. The message reads
 * `temporarily_unavailable: Error(s): 90033 - Timestamp: … - Description: AADSTS90033: …`
 * (msal-common ResponseHandler.validateTokenResponse); MSAL's throttling cache replays it as
 * `90033: AADSTS90033: …`, and msal-browser reports `temporarily_unavailable: 50033 - …`
 * (AzureAD/microsoft-authentication-library-for-js#4019), with no AADSTS prefix at all.
 * Classify on the OAuth error and on every form of the code, never on an HTTP status.
 */
export function entraErrorCodeIn(message: string): number | undefined {
  const match =
    /AADSTS(\d+)/.exec(message) ?? /Error\(s\):\s*(\d+)/.exec(message) ?? /^\s*(?:\w+:\s*)?(\d{5,7})\b/.exec(message);
  return match?.[1] ? Number(match[1]) : undefined;
}

/** True when Entra said, in any of the forms above, that the failure is temporary. */
export function isTransientEntraFailure(message: string): boolean {
  if (/\btemporarily_unavailable\b/.test(message)) return true;
  const code = entraErrorCodeIn(message);
  return code !== undefined && TRANSIENT_ENTRA_CODES.has(code);
}
