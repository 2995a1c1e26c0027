import type { TokenCredential } from '@azure/identity';
import { warmUpTokenOptions } from './acquire-customer-token';

/**
 * The object id (`oid` claim) of the principal a credential signs in as, read from its (cached) access
 * token: what a role assignment must name. Undefined when the token cannot be had or read. The token
 * itself never leaves this function.
 */
export async function principalObjectId(
  credential: TokenCredential,
  scope: string,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const token = await credential.getToken(scope, warmUpTokenOptions(timeoutMs));
    const payload = token?.token.split('.')[1];
    if (!payload) return undefined;
    const oid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown }).oid;
    return typeof oid === 'string' && /^[0-9a-f-]{36}$/i.test(oid) ? oid : undefined;
  } catch {
    return undefined;
  }
}
