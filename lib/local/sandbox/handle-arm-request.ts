import type { ServerResponse } from 'node:http';
import type { Aggregation } from '../../customers/customer';
import { AGGREGATIONS } from '../../customers/customer';
import { authenticateBearer } from './authenticate-bearer';
import { formatTimestamp, generateMetricSeries, type MetricDataPoint } from './generate-metric-series';
import { findMetricSpecs, type MetricSpec } from './metric-catalog';
import { handleResourceGraphRequest, RESOURCE_GRAPH_PATH } from './handle-resource-graph-request';
import { parseIsoDuration } from '../../metrics/parse-iso-duration';
import { providerBody, unsupportedApiVersion } from './provider-api-versions';
import { ARM_READ_ROLES, ROLE_DEFINITION_IDS } from './role-definitions';
import { ARM_AUDIENCE, type SandboxContext, type SandboxRequestHandler } from './sandbox-context';
import { parseResourceId, subscriptionOf, type SandboxResource } from './sandbox-state';
import { sendJson } from './send-json';

/** Refuse absurd requests the way Azure Monitor caps them, and keep the sandbox fast. */
const MAX_POINTS_PER_SERIES = 50_000;
const METRICS_SUFFIX = /^(.*)\/providers\/microsoft\.insights\/(metrics|metricdefinitions)$/i;
const TENANT_PROVIDER_PATH = /^\/providers\/([A-Za-z0-9.]+)$/;
const ROLE_ASSIGNMENTS_SUFFIX = /^(.*)\/providers\/microsoft\.authorization\/roleassignments$/i;

type Operation =
  | { readonly kind: 'resource'; readonly scope: string; readonly action: string }
  | { readonly kind: 'metrics' | 'metricDefinitions'; readonly scope: string; readonly action: string }
  | { readonly kind: 'roleAssignments'; readonly scope: string; readonly action: string };

/**
 * Serves the ARM reads the collector makes: generic resource GET, per-resource metrics and
 * metric definitions (Microsoft.Insights) and role assignments. Checks the token's tenant
 * against the subscription's and the principal's roles at the scope or any parent, and answers
 * in ARM's wire formats (wrapped errors, except the flat per-resource metrics errors).
 */
export const handleArmRequest: SandboxRequestHandler = (context, req, res, path, query) => {
  const { state } = context;
  if (!query.get('api-version')) {
    return sendJson(res, 400, {
      error: {
        code: 'MissingApiVersionParameter',
        message: 'The api-version query parameter (?api-version=) is required for all requests.',
      },
    });
  }
  const auth = authenticateBearer(context, req, [ARM_AUDIENCE, context.urls.arm]);
  if (!auth.ok) return sendAuthenticationFailure(context, res, auth.reason, auth.claims);
  if (RESOURCE_GRAPH_PATH.test(path) && req.method === 'POST') {
    // The body is read asynchronously; a failure there must still answer rather than hang the client.
    handleResourceGraphRequest(context, req, res, auth.principal).catch((error: unknown) =>
      sendJson(res, 500, { error: { code: 'InternalServerError', message: String(error) } }),
    );
    return;
  }
  if (req.method !== 'GET') {
    return sendJson(res, 405, {
      error: { code: 'MethodNotAllowed', message: `The sandbox ARM only serves GET (got ${req.method ?? ''}).` },
    });
  }

  // Providers at tenant scope: any signed-in principal may read them (no role needed), as in Azure.
  const provider = TENANT_PROVIDER_PATH.exec(path);
  if (provider?.[1]) {
    const throttled = takeArmRead(context, res, 'tenant', `${auth.claims.oid}|${auth.claims.tid}`);
    if (throttled) return;
    const answer = providerBody(provider[1]);
    return sendJson(res, answer.status, answer.body);
  }
  const operation = classify(path);
  if (!operation) {
    return sendJson(res, 400, {
      error: { code: 'InvalidResourceType', message: `The sandbox ARM does not serve '${path}'.` },
    });
  }
  const subscriptionId = subscriptionOf(operation.scope) ?? '';
  // ARM throttles before it routes or authorizes: a refused read still costs a token.
  if (takeArmRead(context, res, 'subscription', `${auth.claims.oid}|${subscriptionId.toLowerCase()}`)) return;
  const subscription = state.findSubscription(subscriptionId);
  if (!subscription) {
    return sendJson(res, 404, {
      error: { code: 'SubscriptionNotFound', message: `The subscription '${subscriptionId}' could not be found.` },
    });
  }
  if (
    subscription.tenantId.toLowerCase() !== auth.claims.tid.toLowerCase() &&
    !state.isDelegatedTo(subscription.subscriptionId, auth.claims.tid)
  ) {
    // The customer granted a role to the provider's managed identity: the assignment names an object id
    // the customer's tenant cannot resolve, so authorization fails for it (the issue-3 pitfall). Real ARM may
    // answer InvalidAuthenticationTokenTenant instead; the diagnosis treats both the same.
    const grantedToForeignIdentity =
      auth.principal.kind === 'managedIdentity' &&
      state
        .listRoleAssignments(operation.scope)
        .some((a) => a.principalId.toLowerCase() === auth.claims.oid.toLowerCase());
    if (grantedToForeignIdentity) {
      return sendJson(res, 403, authorizationFailed(auth.claims, operation));
    }
    return sendJson(res, 401, {
      error: {
        code: 'InvalidAuthenticationTokenTenant',
        message:
          `The access token is from the wrong issuer '${auth.claims.iss}'. It must match the tenant 'https://sts.windows.net/${subscription.tenantId}/' ` +
          `associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${subscription.tenantId}' to get the token. ` +
          'Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). ' +
          'If you just transferred your subscription and see this error message, please try back later.',
      },
    });
  }
  if (!state.hasRole(auth.principal, operation.scope, ARM_READ_ROLES)) {
    return sendJson(res, 403, authorizationFailed(auth.claims, operation));
  }

  if (operation.kind === 'roleAssignments')
    return sendJson(res, 200, listRoleAssignments(context, operation.scope, query));
  const resource = state.findResource(operation.scope);
  if (!resource) return sendJson(res, 404, resourceNotFound(operation.scope));
  if (operation.kind === 'resource') {
    const refused = unsupportedApiVersion(resource.type, query.get('api-version') ?? '');
    return refused ? sendJson(res, 400, refused) : sendJson(res, 200, resourceBody(resource));
  }
  if (operation.kind === 'metricDefinitions') return sendJson(res, 200, metricDefinitionsBody(resource));
  const metrics = metricsBody(resource, query, state.now(), state.metricIngestionDelayMs);
  sendJson(res, metrics.status, metrics.body);
};

/**
 * Takes one read from the principal's bucket for the subscription (or tenant) and sets
 * `x-ms-ratelimit-remaining-{subscription|tenant}-reads`; when the bucket is empty answers 429 with
 * `Retry-After` (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling)
 * and returns true. Buckets refill in real time, whatever the sandbox's clock says.
 */
function takeArmRead(
  context: SandboxContext,
  res: ServerResponse,
  scope: 'subscription' | 'tenant',
  key: string,
): boolean {
  const buckets = scope === 'subscription' ? context.state.armReads : context.state.tenantReads;
  const decision = buckets.take(key, performance.now());
  if (decision.ok) {
    res.setHeader(`x-ms-ratelimit-remaining-${scope}-reads`, String(decision.remaining));
    return false;
  }
  const [principal = '', target = ''] = key.split('|');
  sendJson(
    res,
    429,
    {
      error: {
        code: scope === 'subscription' ? 'SubscriptionRequestsThrottled' : 'TenantRequestsThrottled',
        message: `Number of 'read' requests for ${scope} '${target}' actor '${principal}' exceeded. Please try again after '${decision.retryAfterSeconds}' seconds after additional tokens are available.`,
      },
    },
    { 'retry-after': String(decision.retryAfterSeconds), [`x-ms-ratelimit-remaining-${scope}-reads`]: '0' },
  );
  return true;
}

function authorizationFailed(claims: { appid: string; oid: string }, operation: Operation): unknown {
  return {
    error: {
      code: 'AuthorizationFailed',
      message:
        `The client '${claims.appid}' with object id '${claims.oid}' does not have authorization to perform action '${operation.action}' ` +
        `over scope '${operation.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    },
  };
}

function classify(path: string): Operation | undefined {
  const metrics = METRICS_SUFFIX.exec(path);
  if (metrics?.[1] && metrics[2]) {
    const isDefinitions = metrics[2].toLowerCase() === 'metricdefinitions';
    return {
      kind: isDefinitions ? 'metricDefinitions' : 'metrics',
      scope: metrics[1],
      action: isDefinitions ? 'Microsoft.Insights/metricDefinitions/read' : 'Microsoft.Insights/metrics/read',
    };
  }
  const roles = ROLE_ASSIGNMENTS_SUFFIX.exec(path);
  if (roles?.[1])
    return { kind: 'roleAssignments', scope: roles[1], action: 'Microsoft.Authorization/roleAssignments/read' };
  const parsed = parseResourceId(path);
  if (parsed) return { kind: 'resource', scope: path, action: `${parsed.type}/read` };
  return undefined;
}

function sendAuthenticationFailure(
  context: SandboxContext,
  res: ServerResponse,
  reason: string,
  claims?: { exp: number },
): void {
  const challenge = {
    'www-authenticate': `Bearer authorization_uri="${context.urls.authorityHost}/${context.state.homeTenantId}", error="invalid_token", error_description="The authentication failed."`,
  };
  const now = context.state.now();
  const error =
    reason === 'missing'
      ? { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." }
      : reason === 'expired' && claims
        ? {
            code: 'ExpiredAuthenticationToken',
            message: `The access token expiry UTC time '${new Date(claims.exp * 1000).toUTCString()}' is earlier than current UTC time '${now.toUTCString()}'.`,
          }
        : reason === 'audience'
          ? {
              code: 'InvalidAuthenticationTokenAudience',
              message: 'The access token has been obtained for wrong audience or resource.',
            }
          : reason === 'unknownPrincipal'
            ? {
                code: 'InvalidAuthenticationToken',
                message: 'The access token is invalid: its principal does not exist in the tenant.',
              }
            : { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
  sendJson(res, 401, { error }, challenge);
}

function resourceNotFound(resourceId: string): unknown {
  const parsed = parseResourceId(resourceId);
  const typeAndName = parsed ? `${parsed.type}/${parsed.name}` : resourceId;
  return {
    error: {
      code: 'ResourceNotFound',
      message: `The Resource '${typeAndName}' under resource group '${parsed?.resourceGroup ?? ''}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    },
  };
}

function resourceBody(resource: SandboxResource): Record<string, unknown> {
  return {
    properties: resource.properties,
    ...(resource.sku ? { sku: resource.sku } : {}),
    ...(resource.kind ? { kind: resource.kind } : {}),
    tags: resource.tags,
    location: resource.location,
    id: resource.id,
    name: resource.name,
    type: resource.type,
  };
}

function metricDefinitionsBody(resource: SandboxResource): unknown {
  const namespace = resource.type.toLowerCase();
  return {
    value: findMetricSpecs(resource.type).map((spec) => ({
      id: `${resource.id}/providers/microsoft.insights/metricdefinitions/${spec.name}`,
      resourceId: resource.id,
      namespace,
      metricClass: spec.metricClass,
      name: { value: spec.name, localizedValue: spec.localizedName },
      displayDescription: spec.description,
      isDimensionRequired: false,
      ...(spec.dimensions
        ? { dimensions: spec.dimensions.map((d) => ({ value: d.name, localizedValue: d.localizedName })) }
        : {}),
      unit: spec.unit,
      primaryAggregationType: spec.primaryAggregation,
      supportedAggregationTypes: spec.supportedAggregations,
      metricAvailabilities: (spec.timeGrains ?? ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D']).map(
        (timeGrain) => ({
          timeGrain,
          retention: 'P93D',
        }),
      ),
    })),
  };
}

/**
 * The per-resource metrics answer (`Metrics_List`), also the per-resource part of a batch answer.
 * `query` takes `timespan`, `interval`, `metricnames`, `aggregation`, `$filter` and `top`; with
 * `ingestionDelayMs` the newest minutes are not there yet (Azure Monitor's ingestion delay).
 */
export function metricsBody(
  resource: SandboxResource,
  query: URLSearchParams,
  now: Date,
  ingestionDelayMs?: number,
): { status: number; body: unknown } {
  const badRequest = (message: string) => ({ status: 400, body: { code: 'BadRequest', message } });
  const specs = findMetricSpecs(resource.type);
  const [provider = '', ...typeParts] = resource.type.split('/');
  const requestedNames = (query.get('metricnames') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const selected: MetricSpec[] = [];
  for (const name of requestedNames) {
    const spec = specs.find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (!spec) {
      return badRequest(
        `Failed to find metric configuration for provider: ${provider}, resource Type: ${typeParts.join('/')}, metric: '${name}', Valid metrics: ${specs.map((s) => s.name).join(',')}`,
      );
    }
    selected.push(spec);
  }
  // Without metricnames Azure Monitor answers with the type's default (first) metric.
  if (requestedNames.length === 0 && specs[0]) selected.push(specs[0]);

  const timespan = parseTimespan(query.get('timespan'), now);
  if (!timespan)
    return badRequest(`Invalid timespan '${query.get('timespan') ?? ''}': expected startTime/endTime in ISO 8601.`);
  const requestedInterval = query.get('interval') ?? 'PT1M';
  const intervalText = adjustTimeGrain(selected, requestedInterval, query.get('AutoAdjustTimegrain') === 'true');
  if (!intervalText) {
    return badRequest(
      `Invalid time grain '${requestedInterval}' for metric(s) ${selected.map((s) => s.name).join(',')}: supported time grains are ${selected.flatMap((s) => s.timeGrains ?? []).join(',')}.`,
    );
  }
  const intervalMs =
    intervalText.toUpperCase() === 'FULL'
      ? timespan.end.getTime() - timespan.start.getTime()
      : parseIsoDuration(intervalText);
  if (!intervalMs || intervalMs < 60_000)
    return badRequest(`Invalid interval '${intervalText}': expected an ISO 8601 duration of at least PT1M.`);
  if ((timespan.end.getTime() - timespan.start.getTime()) / intervalMs > MAX_POINTS_PER_SERIES) {
    return badRequest(`The requested timespan and interval would return more than ${MAX_POINTS_PER_SERIES} points.`);
  }
  const aggregations = parseAggregations(query.get('aggregation'));
  if (!aggregations) return badRequest(`Invalid aggregation '${query.get('aggregation') ?? ''}'.`);
  const filterText = query.get('$filter');
  const split = filterText ? parseSplitFilter(filterText) : [];
  if (!split) return badRequest(`Invalid $filter '${filterText ?? ''}': expected clauses like "Tier eq '*'".`);
  const top = Number(query.get('top') ?? DEFAULT_TOP);
  if (!Number.isInteger(top) || top < 1) return badRequest(`Invalid top '${query.get('top') ?? ''}'.`);

  let cost = 0;
  const value = [];
  for (const spec of selected) {
    const combos = splitSeries(spec, split);
    if (typeof combos === 'string') return badRequest(combos);
    const wanted = aggregations.length > 0 ? aggregations : [spec.primaryAggregation];
    const series = combos.map((dimensionValues) => {
      const data = generateMetricSeries({
        resourceId: resource.id,
        spec,
        start: timespan.start,
        end: timespan.end,
        intervalMs,
        aggregations: wanted,
        ...(dimensionValues ? { dimensionValues } : {}),
        ...(ingestionDelayMs !== undefined ? { ingestion: { now, delayMs: ingestionDelayMs } } : {}),
      });
      cost += data.length;
      return {
        metadatavalues: Object.entries(dimensionValues ?? {}).map(([name, v]) => ({
          // Azure echoes dimension names in lower case ("tier" for a "Tier" filter), as in GetMetric.json.
          name: { value: name.toLowerCase(), localizedValue: name.toLowerCase() },
          value: v,
        })),
        data,
      };
    });
    // With a $filter Azure returns the `top` series (default 10), largest first.
    const ranked = filterText
      ? series
          .map((s) => ({ s, size: s.data.reduce((sum, p) => sum + Math.abs(primaryValue(p, spec) ?? 0), 0) }))
          .sort((a, b) => b.size - a.size)
          .slice(0, top)
          .map(({ s }) => s)
      : series;
    value.push({
      id: `${resource.id}/providers/Microsoft.Insights/metrics/${spec.name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: spec.name, localizedValue: spec.localizedName },
      displayDescription: spec.description,
      unit: spec.unit,
      timeseries: ranked,
      errorCode: 'Success',
    });
  }
  return {
    status: 200,
    body: {
      cost,
      timespan: `${formatTimestamp(timespan.start)}/${formatTimestamp(timespan.end)}`,
      interval: formatDuration(intervalMs),
      value,
      namespace: resource.type.toLowerCase(),
      resourceregion: resource.location.toLowerCase().replace(/\s+/g, ''),
    },
  };
}

/**
 * Metrics_List `top`: "The maximum number of records to retrieve. Valid only if $filter is specified.
 * Defaults to 10." (Azure REST API reference, Metrics - List).
 */
const DEFAULT_TOP = 10;

/** One `$filter` clause: a dimension and the values asked for ('*' = every value, one series each). */
interface SplitClause {
  readonly dimension: string;
  readonly values: readonly string[] | '*';
}

/**
 * Parses the `$filter` forms the collector and the docs use (learn.microsoft.com/rest/api/monitor/filter-syntax):
 * `A eq '*'`, `A eq 'a1' or A eq 'a2'`, joined by `and`. An `or` may not mix dimensions.
 */
function parseSplitFilter(text: string): SplitClause[] | undefined {
  const clauses: SplitClause[] = [];
  for (const clause of text.split(/\s+and\s+/i)) {
    const terms = clause.split(/\s+or\s+/i).map((t) => /^\s*([^\s']+(?:\s[^\s']+)*)\s+eq\s+'([^']*)'\s*$/i.exec(t));
    if (terms.some((t) => !t)) return undefined;
    const names = new Set(terms.map((t) => t![1]!.toLowerCase()));
    if (names.size !== 1) return undefined;
    const values = terms.map((t) => t![2]!);
    clauses.push({ dimension: terms[0]![1]!, values: values.includes('*') ? '*' : values });
  }
  return clauses;
}

/**
 * The series one metric answers with: one unsplit series without a filter; with one, a series per value
 * combination of the filtered dimensions. A dimension the metric does not have is refused.
 */
function splitSeries(
  spec: MetricSpec,
  clauses: readonly SplitClause[],
): Array<Readonly<Record<string, string>> | undefined> | string {
  if (clauses.length === 0) return [undefined];
  let combos: Array<Record<string, string>> = [{}];
  for (const clause of clauses) {
    const dimension = spec.dimensions?.find((d) => d.name.toLowerCase() === clause.dimension.toLowerCase());
    if (!dimension) {
      return `Metric: ${spec.name} does not support requested dimension combination: ${clause.dimension}, supported ones are: ${(spec.dimensions ?? []).map((d) => d.name).join(',') || 'none'}`;
    }
    const values =
      clause.values === '*'
        ? dimension.values
        : dimension.values.filter((v) =>
            (clause.values as readonly string[]).some((w) => w.toLowerCase() === v.toLowerCase()),
          );
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [dimension.name]: v })));
  }
  return combos;
}

/** Azure's AutoAdjustTimegrain: the closest supported grain, or undefined (a 400) when not asked to adjust. */
function adjustTimeGrain(specs: readonly MetricSpec[], interval: string, autoAdjust: boolean): string | undefined {
  const grains = specs.find((s) => s.timeGrains)?.timeGrains;
  if (!grains || interval.toUpperCase() === 'FULL' || grains.includes(interval.toUpperCase())) return interval;
  if (!autoAdjust) return undefined;
  const wanted = parseIsoDuration(interval) ?? 0;
  return [...grains].sort(
    (a, b) => Math.abs((parseIsoDuration(a) ?? 0) - wanted) - Math.abs((parseIsoDuration(b) ?? 0) - wanted),
  )[0];
}

function primaryValue(point: MetricDataPoint, spec: MetricSpec): number | undefined {
  return point[spec.primaryAggregation.toLowerCase() as Lowercase<Aggregation>];
}

function parseTimespan(text: string | null, now: Date): { start: Date; end: Date } | undefined {
  if (!text) return { start: new Date(now.getTime() - 3_600_000), end: now };
  const [from, to] = text.split('/');
  if (!from || !to) return undefined;
  const fromDuration = parseIsoDuration(from);
  const toDuration = parseIsoDuration(to);
  const end = toDuration === undefined ? new Date(to) : undefined;
  const start = fromDuration === undefined ? new Date(from) : undefined;
  const resolvedStart = start ?? (end ? new Date(end.getTime() - (fromDuration ?? 0)) : undefined);
  const resolvedEnd = end ?? (start ? new Date(start.getTime() + (toDuration ?? 0)) : undefined);
  if (!resolvedStart || !resolvedEnd || Number.isNaN(resolvedStart.getTime()) || Number.isNaN(resolvedEnd.getTime()))
    return undefined;
  return resolvedEnd > resolvedStart ? { start: resolvedStart, end: resolvedEnd } : undefined;
}

function parseAggregations(text: string | null): Aggregation[] | undefined {
  if (!text) return [];
  const result: Aggregation[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const known = AGGREGATIONS.find((a) => a.toLowerCase() === part.toLowerCase());
    if (!known) return undefined;
    result.push(known);
  }
  return result;
}

function formatDuration(ms: number): string {
  const totalMinutes = Math.round(ms / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

function listRoleAssignments(context: SandboxContext, scope: string, query: URLSearchParams): unknown {
  const subscriptionId = subscriptionOf(scope) ?? '';
  const principalFilter = /principalId\s+eq\s+'([^']+)'/i.exec(query.get('$filter') ?? '')?.[1]?.toLowerCase();
  const value = context.state
    .listRoleAssignments(scope)
    .filter((a) => !principalFilter || a.principalId.toLowerCase() === principalFilter)
    .map((a) => ({
      properties: {
        roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITION_IDS[a.roleName]}`,
        principalId: a.principalId,
        principalType: 'ServicePrincipal',
        scope: a.scope,
        condition: null,
        conditionVersion: null,
        createdOn: a.createdOn.toISOString(),
        updatedOn: a.createdOn.toISOString(),
        createdBy: null,
        updatedBy: null,
        delegatedManagedIdentityResourceId: null,
        description: null,
      },
      id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
      type: 'Microsoft.Authorization/roleAssignments',
      name: a.name,
    }));
  return { value };
}
