import type { HttpRequest } from '@azure/functions';
import {
  CLIENT_PRINCIPAL_HEADER,
  OPERATOR_APP_ROLES,
  hasOperatorRole,
  readClientPrincipal,
  type OperatorPrincipal,
  type OperatorRole,
} from '../auth/operator-principal';
import { AppError } from '../errors/app-error';

/** An operator whose principal App Service Authentication validated and whose app role allows the route. */
export interface OperatorCaller {
  readonly kind: 'operator';
  readonly principal: OperatorPrincipal;
}

/**
 * The role check of every operator route: the principal comes only from `X-MS-CLIENT-PRINCIPAL`, and only
 * when the platform says App Service Authentication is on (without it the header could be sent by anyone).
 * @throws unauthenticated (401) without a validated principal, forbidden (403) without the role.
 */
export function authorizeOperator(
  role: OperatorRole,
  request: Pick<HttpRequest, 'headers' | 'method' | 'url'>,
  operatorAuthEnabled: boolean,
): OperatorCaller {
  if (!operatorAuthEnabled) {
    throw new AppError({
      kind: 'unauthenticated',
      code: 'OperatorAuthenticationOff',
      message:
        'App Service Authentication is not enabled on this app (WEBSITE_AUTH_ENABLED is not True), so no operator can be identified and every operator request is refused. Deploy infra/ (authsettingsV2) or run the local host, which plays its part.',
    });
  }
  const principal = readClientPrincipal(request.headers.get(CLIENT_PRINCIPAL_HEADER));
  if (!principal) {
    throw new AppError({
      kind: 'unauthenticated',
      code: 'OperatorNotAuthenticated',
      message: "No signed-in operator: call with an Entra ID bearer token for the collector's app registration",
    });
  }
  if (!hasOperatorRole(principal, role)) {
    const needed = OPERATOR_APP_ROLES[role];
    throw new AppError({
      kind: 'forbidden',
      code: 'OperatorRoleMissing',
      message: `${principal.name} lacks the app role ${needed} that ${request.method} ${new URL(request.url).pathname} needs (assign it on the collector's enterprise application)`,
      details: { requiredRole: needed, principalId: principal.id },
    });
  }
  return { kind: 'operator', principal };
}
