import {
  app,
  type FunctionOutput,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import type { OperatorRole } from '../auth/operator-principal';
import type { Services } from '../app/create-services';
import { loadServices } from '../app/services';
import type { OperatorCaller } from './authorize-operator';

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

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
/** What the route wrapper needs of the services: whether Easy Auth is on, and the operator audit. */
export type RouteServices = Pick<Services, 'operatorAudit' | 'now'> & {
  readonly config: Pick<Services['config'], 'operatorAuthEnabled'>;
};

/** Registers an HTTP function whose access check, problem+json errors and admin audit come with it. */
export function registerRoute(name: string, definition: RouteDefinition): void {
  let wrapped: Promise<HttpHandler> | undefined;
  app.http(name, {
    methods: definition.methods,
    route: definition.route,
    // Not function keys: App Service Authentication (operators) or the ingest key (pushers) is the gate,
    // checked in code for every route. See README "Security".
    authLevel: 'anonymous',
    ...(definition.extraOutputs ? { extraOutputs: definition.extraOutputs } : {}),
    // The wrapper (access check, problem+json, admin audit) loads with the first request, not with the
    // function entry: the host imports every entry on a cold start (see lib/app/services.ts).
    handler: async (request, context) => {
      wrapped ??= import('./create-route-handler.js').then((m) => m.createRouteHandler(name, definition, loadServices));
      return (await wrapped)(request, context);
    },
  });
}
