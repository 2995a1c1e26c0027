import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseResourceGraphQuery, type ResourceGraphColumn } from './parse-resource-graph-query';
import { readRequestBody } from './read-request-body';
import { ARM_READ_ROLES } from './role-definitions';
import type { SandboxContext } from './sandbox-context';
import { parseResourceId, type SandboxPrincipal, type SandboxResource } from './sandbox-state';
import { formatQuotaReset } from './sandbox-throttle';
import { sendJson } from './send-json';

/** `POST /providers/Microsoft.ResourceGraph/resources`. */
export const RESOURCE_GRAPH_PATH = /^\/providers\/Microsoft\.ResourceGraph\/resources$/i;
/** Resource Graph pages at 1,000 rows at most (`options.$top` asks for fewer). */
const MAX_PAGE = 1000;

interface QueryRequestBody {
  subscriptions?: unknown;
  query?: unknown;
  options?: { $top?: unknown; $skip?: unknown; $skipToken?: unknown; resultFormat?: unknown };
}

/**
 * Resource Graph's `resources` query for the principal of the token: rows are the resources in the
 * requested subscriptions that the principal may read (Resource Graph filters by RBAC rather than
 * refusing: a subscription without access simply contributes nothing). Answers in the shape of the
 * ResourcesBasicQuery example, pages with `$skipToken`, and refuses queries of other shapes as
 * Resource Graph refuses invalid ones (400 BadRequest/InvalidQuery). Counts the principal's query quota
 * (x-ms-user-quota-remaining / -resets-after, 429 without Retry-After past it; see sandbox-throttle.ts).
 */
export async function handleResourceGraphRequest(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: SandboxPrincipal,
): Promise<void> {
  // Resource Graph's own per-user quota (not ARM's read bucket): headers on every answer, 429 past it.
  const quota = context.state.resourceGraphQuota.take(principal.objectId.toLowerCase(), performance.now());
  const quotaHeaders = {
    'x-ms-user-quota-remaining': String(quota.ok ? quota.remaining : 0),
    'x-ms-user-quota-resets-after': formatQuotaReset(quota.resetsAfterMs),
  };
  for (const [name, value] of Object.entries(quotaHeaders)) res.setHeader(name, value);
  if (!quota.ok) {
    // Resource Graph's RateLimiting answer names no Retry-After: the quota headers are the only hint, and
    // the SDKs do not retry it (Azure/azure-sdk-for-python#5412; Azure/azure-cli-extensions#3325 shows the
    // body, and users waiting on x-ms-user-quota-resets-after).
    return sendJson(res, 429, {
      error: {
        code: 'RateLimiting',
        message: 'Please provide below info when asking for support: timestamp, correlationId.',
        details: [
          {
            code: 'RateLimiting',
            message:
              'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.',
          },
        ],
      },
    });
  }
  let body: QueryRequestBody;
  try {
    body = JSON.parse(await readRequestBody(req)) as QueryRequestBody;
  } catch {
    return sendJson(res, 400, invalid('InvalidRequestContent', 'The request content is not valid JSON.'));
  }
  const subscriptions = Array.isArray(body.subscriptions)
    ? body.subscriptions.filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase())
    : [];
  if (subscriptions.length === 0) {
    // The sandbox only serves subscription-scoped queries (the collector always names them).
    return sendJson(res, 400, invalid('BadRequest', 'At least one subscription is required by the sandbox.'));
  }
  const query = typeof body.query === 'string' ? parseResourceGraphQuery(body.query) : undefined;
  if (!query) {
    return sendJson(res, 400, {
      error: {
        code: 'BadRequest',
        message: 'Please provide below info when asking for support: timestamp, correlationId.',
        details: [
          {
            code: 'InvalidQuery',
            message:
              'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
          },
        ],
      },
    });
  }
  const offset = readOffset(body.options?.$skipToken, body.options?.$skip);
  if (offset === undefined) return sendJson(res, 400, invalid('BadRequest', 'The $skipToken is invalid.'));
  const top = typeof body.options?.$top === 'number' ? Math.min(Math.max(1, body.options.$top), MAX_PAGE) : MAX_PAGE;

  const { state } = context;
  let rows = state
    .listResources()
    .filter((r) => subscriptions.includes(parseResourceId(r.id)?.subscriptionId.toLowerCase() ?? ''))
    .filter((r) => !query.types || query.types.includes(r.type.toLowerCase()))
    .filter((r) => state.hasRole(principal, r.id, ARM_READ_ROLES));
  if (query.order === 'desc') rows = rows.reverse();
  if (query.limit !== undefined) rows = rows.slice(0, query.limit);
  const page = rows.slice(offset, offset + top);
  const next = offset + page.length;
  sendJson(res, 200, {
    totalRecords: rows.length,
    count: page.length,
    resultTruncated: 'false',
    ...(next < rows.length ? { $skipToken: Buffer.from(JSON.stringify({ offset: next })).toString('base64url') } : {}),
    facets: [],
    data: page.map((r) =>
      projectRow(r, query.columns, state.findSubscription(parseResourceId(r.id)?.subscriptionId ?? '')?.tenantId),
    ),
  });
}

function invalid(code: string, message: string): unknown {
  return { error: { code, message } };
}

function readOffset(skipToken: unknown, skip: unknown): number | undefined {
  if (skipToken === undefined || skipToken === null || skipToken === '') {
    return typeof skip === 'number' && skip >= 0 ? Math.floor(skip) : 0;
  }
  if (typeof skipToken !== 'string') return undefined;
  try {
    const { offset } = JSON.parse(Buffer.from(skipToken, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

/** One row with the projected columns (every column without `project`); types in lower case, as Resource Graph reports them. */
function projectRow(
  resource: SandboxResource,
  columns: readonly ResourceGraphColumn[] | undefined,
  tenantId: string | undefined,
): Record<string, unknown> {
  const parsed = parseResourceId(resource.id);
  const all: Record<ResourceGraphColumn, unknown> = {
    id: resource.id,
    name: resource.name,
    type: resource.type.toLowerCase(),
    location: resource.location.toLowerCase().replace(/\s+/g, ''),
    tags: resource.tags,
    kind: resource.kind ?? '',
    sku: resource.sku ?? null,
    properties: resource.properties,
    resourceGroup: parsed?.resourceGroup.toLowerCase() ?? '',
    subscriptionId: parsed?.subscriptionId ?? '',
    tenantId: tenantId ?? '',
  };
  const selected = columns ?? (Object.keys(all) as ResourceGraphColumn[]);
  return Object.fromEntries(selected.map((c) => [c, all[c]]));
}
