import type { IncomingMessage } from 'node:http';
import type { SandboxTokenClaims, TokenCheck } from './create-token-signer';
import type { SandboxContext } from './sandbox-context';
import type { SandboxPrincipal } from './sandbox-state';

export type BearerResult =
  | { readonly ok: true; readonly claims: SandboxTokenClaims; readonly principal: SandboxPrincipal }
  | {
      readonly ok: false;
      readonly reason: 'missing' | 'unknownPrincipal' | Extract<TokenCheck, { ok: false }>['reason'];
      readonly claims?: SandboxTokenClaims;
    };

/**
 * Reads `Authorization: Bearer ...`, verifies the token the way a resource server does
 * (signature, lifetime, audience) and resolves its principal in the token's tenant.
 */
export function authenticateBearer(
  context: SandboxContext,
  req: IncomingMessage,
  audiences: readonly string[],
): BearerResult {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const token = match?.[1];
  if (!token) return { ok: false, reason: 'missing' };
  const checked = context.signer.check(token, audiences, context.state.now());
  if (!checked.ok)
    return checked.claims
      ? { ok: false, reason: checked.reason, claims: checked.claims }
      : { ok: false, reason: checked.reason };
  const { claims } = checked;
  const principal = context.state.findPrincipal(claims.tid, claims.oid);
  if (!principal) return { ok: false, reason: 'unknownPrincipal', claims };
  return { ok: true, claims, principal };
}
