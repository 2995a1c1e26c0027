import {
  app,
  type FunctionOutput,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import type { OperatorAuditStore } from '../audit/operator-audit-store';
import {
  CLIENT_PRINCIPAL_HEADER,
  readClientPrincipal,
  type OperatorPrincipal,
  type OperatorRole,
} from '../auth/operator-principal';
import type { Services } from '../app/create-services';
import { loadServices } from '../app/services';
import { describeError } from '../logging/describe-error';
import { contextLogger } from '../logging/logger';
import { authorizeOperator, type OperatorCaller } from './authorize-operator';
import { toProblemResponse } from './problem-response';

/**
 * Who may call a route. Every route declares one; there is no default and no way to register an HTTP
 * route without it (functions/ use `registerRoute`; a test refuses a bare `app.http`).
 * - `reader`: an operator with Collector.Reader or Collector.Admin (queries, health, dashboard, audits).
 * - `admin`: an operator with Collector.Admin (onboard, rotate, delete, collect, test); audited.
 * - `ingestKey`: a customer's own pusher authenticated by its per-customer ingest key (the route supplies
 *   `verifyIngestKey`); such paths are excluded from App Service Authentication in infra/.
 */
export type RouteAccess = OperatorRole | 'ingestKey';

/** A pusher whose per-customer ingest key was verified: it may act for `customerId` only. */
export interface IngestCaller {
  readonly kind: 'ingestKey';
  readonly customerId: string;
}

interface RouteBase {
  readonly methods: HttpMethod[];
  /** Route template without the `api/` prefix, e.g. `customers/{id}`. */
  readonly route: string;
  readonly extraOutputs?: FunctionOutput[];
}

export interface OperatorRoute extends RouteBase {
  readonly access: OperatorRole;
  handler(request: HttpRequest, context: InvocationContext, caller: OperatorCaller): Promise<HttpResponseInit>;
}

export interface IngestKeyRoute extends RouteBase {
  readonly access: 'ingestKey';
  /** Checks the request's ingest key; throws an unauthenticated/forbidden AppError when it is not valid. */
  verifyIngestKey(request: HttpRequest, context: InvocationContext): Promise<IngestCaller>;
  handler(request: HttpRequest, context: InvocationContext, caller: IngestCaller): Promise<HttpResponseInit>;
}

export type RouteDefinition = OperatorRoute | IngestKeyRoute;

type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
/** What the route wrapper needs of the services: whether Easy Auth is on, and the operator audit. */
export type RouteServices = Pick<Services, 'operatorAudit' | 'now'> & {
  readonly config: Pick<Services['config'], 'operatorAuthEnabled'>;
};

/** Registers an HTTP function whose access check, problem+json errors and admin audit come with it. */
export function registerRoute(name: string, definition: RouteDefinition): void {
  app.http(name, {
    methods: definition.methods,
    route: definition.route,
    // Not function keys: App Service Authentication (operators) or the ingest key (pushers) is the gate,
    // checked in code for every route. See README "Security".
    authLevel: 'anonymous',
    ...(definition.extraOutputs ? { extraOutputs: definition.extraOutputs } : {}),
    handler: createRouteHandler(name, definition, loadServices),
  });
}

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
