import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { OperatorAuditStore } from '../audit/operator-audit-store';
import { CLIENT_PRINCIPAL_HEADER, readClientPrincipal, type OperatorPrincipal } from '../auth/operator-principal';
import { describeError } from '../logging/describe-error';
import { contextLogger } from '../logging/logger';
import { authorizeOperator } from './authorize-operator';
import { toProblemResponse } from './problem-response';
import type { HttpHandler, RouteDefinition, RouteServices } from './register-route';

/**
 * The handler `registerRoute` registers: access check first, then the route's handler, every error through
 * the one problem+json mapper, and for admin routes one operator-audit entry (who, what, which customer,
 * when, outcome) whether the action succeeded, was refused or failed.
 */
export function createRouteHandler(
  name: string,
  definition: RouteDefinition,
  services: () => RouteServices | Promise<RouteServices>,
): HttpHandler {
  return async (request, context) => {
    const log = contextLogger(context);
    const at = new Date().toISOString();
    // Known before the role check, so a refused attempt is audited with who tried.
    let principal: OperatorPrincipal | undefined;
    let response: HttpResponseInit;
    try {
      if (definition.access === 'ingestKey') {
        const caller = await definition.verifyIngestKey(request, context);
        response = await definition.handler(request, context, caller);
      } else {
        const enabled = (await services()).config.operatorAuthEnabled;
        principal = enabled ? identifyOperator(request) : undefined;
        const operator = authorizeOperator(definition.access, request, enabled);
        response = await definition.handler(request, context, operator);
      }
    } catch (error) {
      response = toProblemResponse(error, log, new URL(request.url).pathname);
    }
    if (definition.access === 'admin' && principal) {
      await recordAdminAction((await services()).operatorAudit, name, request, principal, at, response).catch(
        (error: unknown) =>
          log.error(`Operator audit write failed: ${describeError(error)}`, {
            action: name,
            code: 'OperatorAuditFailed',
          }),
      );
    }
    return response;
  };
}

async function recordAdminAction(
  store: OperatorAuditStore,
  action: string,
  request: HttpRequest,
  principal: OperatorPrincipal,
  at: string,
  response: HttpResponseInit,
): Promise<void> {
  const status = response.status ?? 200;
  const body = response.jsonBody as { code?: unknown } | undefined;
  await store.write({
    at,
    principalId: principal.id,
    principalName: principal.name,
    action,
    method: request.method,
    customerId: (request.params['id'] ?? '').slice(0, 100),
    status,
    ...(status >= 400 && typeof body?.code === 'string' ? { code: body.code } : {}),
  });
}

/** The validated principal, or undefined when there is none or it is malformed (authorizeOperator says why). */
function identifyOperator(request: HttpRequest): OperatorPrincipal | undefined {
  try {
    return readClientPrincipal(request.headers.get(CLIENT_PRINCIPAL_HEADER));
  } catch {
    return undefined;
  }
}
