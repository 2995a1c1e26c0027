/**
 * When Entra refuses a tenant's OpenID metadata (unknown tenant), MSAL reports only
 * `endpoints_resolution_error`, which looks the same as a TLS or network failure. Fetching the
 * metadata ourselves tells them apart: Entra answers an unknown tenant with an AADSTS90002 body.
 * @returns the AADSTS error description when Entra answered with one, otherwise undefined.
 */
export async function probeTenantMetadata(
  authorityHost: string,
  tenantId: string,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  const url = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return undefined;
    const body = (await response.json().catch(() => ({}))) as { error_description?: unknown };
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    return /AADSTS\d+/.test(description) ? description : undefined;
  } catch {
    return undefined; // unreachable: it really is a network problem
  }
}
