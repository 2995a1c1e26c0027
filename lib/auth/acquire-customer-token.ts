import type { GetTokenOptions, TokenCredential } from '@azure/identity';
import { probeTenantMetadata } from './probe-tenant-metadata';

/**
 * Gets a token from the customer's tenant. Used up front so a broken credential is one clear failure
 * rather than the same AADSTS error on every resource. An unknown tenant surfaces from MSAL only as
 * `endpoints_resolution_error`; probing the metadata recovers Entra's real AADSTS code, and the error
 * then carries Entra's own description.
 */
export async function acquireCustomerToken(
  credential: TokenCredential,
  tenantId: string,
  scope: string,
  authorityHost: string,
  timeoutMs: number,
): Promise<void> {
  try {
    await credential.getToken(scope, warmUpTokenOptions(timeoutMs));
  } catch (error) {
    if (error instanceof Error && /endpoints_resolution_error/.test(error.message)) {
      const entraSays = await probeTenantMetadata(authorityHost, tenantId, timeoutMs);
      if (entraSays) throw new Error(entraSays, { cause: error });
    }
    throw error;
  }
}

/**
 * Options for a token asked for ahead of an SDK client. Every SDK pipeline asks with `enableCae: true`,
 * and @azure/identity keeps CAE and non-CAE tokens in separate caches: asking the same way makes the
 * warm-up token the one the client then reuses (otherwise each pays a second metadata + token request).
 */
export function warmUpTokenOptions(timeoutMs: number): GetTokenOptions {
  return { abortSignal: AbortSignal.timeout(timeoutMs), enableCae: true };
}
