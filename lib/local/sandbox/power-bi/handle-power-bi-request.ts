import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateBearer } from '../authenticate-bearer';
import { readRequestBody } from '../read-request-body';
import type { SandboxContext, SandboxRequestHandler } from '../sandbox-context';
import { sendJson } from '../send-json';
import { evaluateDax } from './evaluate-dax';
import { parseSkuCapacityUnits } from './parse-sku-capacity-units';

export const POWER_BI_AUDIENCE = 'https://analysis.windows.net/powerbi/api';
export const FABRIC_AUDIENCE = 'https://api.fabric.microsoft.com';

/**
 * Power BI's error body, as the service sends it (MicrosoftDocs/powerbi-docs#1109 and #3234 for
 * PowerBINotAuthorizedException; gbrueckl/PowerBI-VSCode#45 for DatasetExecuteQueriesError with its
 * DetailsMessage / AnalysisServicesErrorCode details).
 */
function pbiError(code: string, details: Array<{ code: string; value: string }> = []) {
  return {
    error: {
      code,
      'pbi.error': {
        code,
        parameters: {},
        details: details.map((d) => ({ code: d.code, detail: { type: 1, value: d.value } })),
        exceptionCulprit: 1,
      },
    },
  };
}

/**
 * Serves the Power BI REST calls the Fabric pull path makes (https://learn.microsoft.com/rest/api/power-bi):
 * `GET /v1.0/myorg/groups` (Groups - Get Groups), `GET /v1.0/myorg/groups/{id}/datasets` (Datasets -
 * Get Datasets In Group) and `POST /v1.0/myorg/datasets/{id}/executeQueries` (Datasets - Execute
 * Queries: one query, one table, `{results:[{tables:[{rows}]}]}`). Tokens must be for the Power BI
 * audience and from the dataset's tenant. A service principal gets 401 PowerBINotAuthorizedException
 * when its tenant does not let service principals use the APIs; executeQueries also when the Execute
 * Queries setting is off or it lacks Build (the service does not say which). 120 queries per minute
 * per principal, then 429 with Retry-After.
 */
export async function handlePowerBiRequest(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const pbi = context.state.powerBi;
  const auth = authenticateBearer(context, req, [POWER_BI_AUDIENCE]);
  if (!auth.ok) return sendJson(res, 403, pbiError('TokenExpired'));
  const { tid, oid } = auth.claims;
  const settings = pbi.tenant(tid);
  if (!settings.servicePrincipalsCanUseApis) return sendJson(res, 401, pbiError('PowerBINotAuthorizedException'));
  const memberOf = (members: ReadonlyArray<{ principalId: string }>) =>
    members.some((m) => m.principalId.toLowerCase() === oid.toLowerCase());

  const segments = path.split('/').filter(Boolean);
  if (segments[0] !== 'v1.0' || segments[1] !== 'myorg') return sendJson(res, 404, pbiError('EndpointNotFound'));
  const [, , resource, id, sub, action] = segments;

  if (req.method === 'GET' && resource === 'groups' && id === undefined) {
    const value = pbi.workspaces
      .filter((w) => w.tenantId.toLowerCase() === tid.toLowerCase() && memberOf(w.members))
      .map((w) => ({ id: w.id, isReadOnly: false, isOnDedicatedCapacity: true, name: w.name }));
    return sendJson(res, 200, { '@odata.context': 'https://api.powerbi.com/v1.0/myorg/$metadata#groups', value });
  }
  if (req.method === 'GET' && resource === 'groups' && id && sub === 'datasets' && action === undefined) {
    const workspace = pbi.workspaces.find(
      (w) => w.id.toLowerCase() === id.toLowerCase() && w.tenantId.toLowerCase() === tid.toLowerCase(),
    );
    if (!workspace || !memberOf(workspace.members)) return sendJson(res, 404, pbiError('PowerBIEntityNotFound'));
    const value = workspace.datasets.map((d) => ({
      id: d.id,
      name: d.name,
      configuredBy: 'admin@customer.example',
      isRefreshable: true,
      isEffectiveIdentityRequired: false,
      isEffectiveIdentityRolesRequired: false,
      isOnPremGatewayRequired: false,
    }));
    return sendJson(res, 200, {
      '@odata.context': `https://api.powerbi.com/v1.0/myorg/groups/${id}/$metadata#datasets`,
      value,
    });
  }
  if (req.method === 'POST' && resource === 'datasets' && id && sub === 'executeQueries') {
    const found = pbi.findDataset(tid, id);
    if (!found) return sendJson(res, 404, pbiError('PowerBIEntityNotFound'));
    const member = found.workspace.members.find((m) => m.principalId.toLowerCase() === oid.toLowerCase());
    const hasBuild =
      (member && member.role !== 'Viewer') ||
      (member !== undefined &&
        (found.dataset.buildPrincipals ?? []).some((p) => p.toLowerCase() === oid.toLowerCase()));
    if (!settings.executeQueriesEnabled || !hasBuild)
      return sendJson(res, 401, pbiError('PowerBINotAuthorizedException'));
    const retryAfter = pbi.takeQuerySlot(`${tid}/${oid}`.toLowerCase());
    if (retryAfter !== undefined) {
      return sendJson(
        res,
        429,
        { error: { code: 'TooManyRequests', message: 'Rate limit of 120 queries per minute exceeded' } },
        { 'retry-after': String(retryAfter) },
      );
    }
    let body: { queries?: Array<{ query?: unknown }> };
    try {
      body = JSON.parse(await readRequestBody(req)) as typeof body;
    } catch {
      return sendJson(res, 400, pbiError('InvalidRequest'));
    }
    const queries = body.queries ?? [];
    const query = queries[0]?.query;
    if (queries.length !== 1 || typeof query !== 'string') {
      return sendJson(
        res,
        400,
        pbiError('DatasetExecuteQueriesError', [
          { code: 'DetailsMessage', value: 'Only one query per API call is supported.' },
        ]),
      );
    }
    const capacities = found.dataset.capacityIds.map((capacityId) => {
      const capacity = pbi.capacities.find((c) => c.id.toLowerCase() === capacityId.toLowerCase());
      return { id: capacityId, profile: capacity?.profile ?? 'steady', cuLimit: parseSkuCapacityUnits(capacity?.sku) };
    });
    const result = evaluateDax(query, found.dataset.modelVersion, capacities, context.state.now());
    if (!result.ok) {
      return sendJson(
        res,
        400,
        pbiError('DatasetExecuteQueriesError', [
          { code: 'DetailsMessage', value: result.message },
          { code: 'AnalysisServicesErrorCode', value: '3241803789' },
        ]),
      );
    }
    const table = result.error ? { rows: result.rows, error: result.error } : { rows: result.rows };
    return sendJson(res, 200, { results: [{ tables: [table] }] });
  }
  sendJson(res, 404, pbiError('EndpointNotFound'));
}

/**
 * Fabric REST `GET /v1/capacities` (https://learn.microsoft.com/rest/api/fabric/core/capacities/list-capacities):
 * the capacities the principal administers or contributes to, `{value:[{id,displayName,sku,region,state}]}`,
 * paged with `continuationToken`/`continuationUri`. Fabric errors are `{requestId, errorCode, message}`.
 */
export const handleFabricRequest: SandboxRequestHandler = (context, req, res, path, query) => {
  const requestId = crypto.randomUUID();
  const error = (status: number, errorCode: string, message: string) =>
    sendJson(res, status, { requestId, errorCode, message }, { requestid: requestId });
  const auth = authenticateBearer(context, req, [FABRIC_AUDIENCE]);
  if (!auth.ok) return error(401, 'TokenExpired', 'Access token has expired, resubmit with a new access token');
  const { tid, oid } = auth.claims;
  if (!context.state.powerBi.tenant(tid).servicePrincipalsCanUseApis)
    return error(401, 'PrincipalTypeNotSupported', 'The operation is not supported for the principal type');
  if (req.method !== 'GET' || path !== '/v1/capacities')
    return error(404, 'EntityNotFound', `No ${req.method} ${path}`);
  const visible = context.state.powerBi.capacities.filter(
    (c) =>
      c.tenantId.toLowerCase() === tid.toLowerCase() && c.visibleTo.some((p) => p.toLowerCase() === oid.toLowerCase()),
  );
  const pageSize = 2;
  const start = Number(query.get('continuationToken') ?? '0') || 0;
  const page = visible.slice(start, start + pageSize).map(({ id, displayName, sku, region, state }) => ({
    id,
    displayName,
    sku,
    region,
    state,
  }));
  const next = start + pageSize < visible.length ? String(start + pageSize) : undefined;
  const host = req.headers.host ?? '127.0.0.1';
  sendJson(res, 200, {
    value: page,
    ...(next
      ? { continuationToken: next, continuationUri: `https://${host}/v1/capacities?continuationToken=${next}` }
      : {}),
  });
};
