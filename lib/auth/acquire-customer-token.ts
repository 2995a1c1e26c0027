import type { GetTokenOptions, TokenCredential } from '@azure/identity';
import { probeTenantMetadata, type TenantMetadataAnswer } from './probe-tenant-metadata';

/**
 * Gets a token from the customer's tenant. Used up front so a broken credential is one clear failure
 * rather than the same AADSTS error on every resource. A failed metadata request surfaces from MSAL only
 * as `endpoints_resolution_error`; probing the metadata recovers Entra's answer: the error then carries
 * Entra's own description and HTTP status (`statusCode`), so an unknown tenant (400 AADSTS90002) is
 * told apart from an outage (503, 429) and from an unreachable host (no answer: the original error).
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
      if (entraSays && (entraSays.description || isTransientStatus(entraSays.status))) {
        throw tenantMetadataError(entraSays, error);
      }
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

/** Entra's answer to the metadata probe as an error with a status, like the SDKs' RestError. */
function tenantMetadataError(answer: TenantMetadataAnswer, cause: Error): Error {
  const message = answer.description ?? `Entra answered ${answer.status} for the tenant's OpenID metadata`;
  return Object.assign(new Error(message, { cause }), { statusCode: answer.status });
}

function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
