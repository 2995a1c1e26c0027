/** What Entra answered when we fetched a tenant's OpenID metadata ourselves. */
export interface TenantMetadataAnswer {
  readonly status: number;
  /** Entra's `error_description`, when the body carried an AADSTS code. */
  readonly description?: string;
}

/**
 * When MSAL cannot read a tenant's OpenID metadata it reports only `endpoints_resolution_error`: an
 * unknown tenant (400 AADSTS90002), an Entra outage (503 AADSTS90033, 429 throttling) and a TLS or
 * network failure all look the same. Fetching the metadata ourselves tells them apart.
 * @returns Entra's status and AADSTS description when it answered with an error, undefined when it
 *   answered 200 (the failure was passing) or could not be reached at all (a network problem).
 */
export async function probeTenantMetadata(
  authorityHost: string,
  tenantId: string,
  timeoutMs = 10_000,
): Promise<TenantMetadataAnswer | undefined> {
  const url = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return undefined;
    const body = (await response.json().catch(() => ({}))) as { error_description?: unknown };
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    return /AADSTS\d+/.test(description) ? { status: response.status, description } : { status: response.status };
  } catch {
    return undefined; // unreachable: it really is a network problem
  }
}
