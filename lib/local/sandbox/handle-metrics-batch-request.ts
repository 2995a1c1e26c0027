import { authenticateBearer } from './authenticate-bearer';
import { metricsBody } from './handle-arm-request';
import { readRequestBody } from './read-request-body';
import { ARM_AUDIENCE, METRICS_AUDIENCE, type SandboxContext, type SandboxRequestHandler } from './sandbox-context';
import { parseResourceId, type SandboxPrincipal } from './sandbox-state';
import type { SandboxRoleName } from './sandbox-seed';
import { sendJson } from './send-json';

/** `POST /{region}/subscriptions/{id}/metrics:getBatch` on the sandbox's metrics listener. */
export const METRICS_BATCH_PATH = /^\/([^/]+)\/subscriptions\/([^/]+)\/metrics:getBatch$/i;
/** Resource ids per batch call (Azure's limit). */
export const MAX_BATCH_RESOURCE_IDS = 50;
/** Metric names per call (the same limit as the per-resource API). */
export const MAX_BATCH_METRIC_NAMES = 20;
/**
 * Roles that let a principal read metrics in a batch: the API authorizes at subscription scope only
 * (a role on the resources themselves is not enough). AZURE-NOTES: Monitoring Reader (or Reader).
 */
const BATCH_ROLES: readonly SandboxRoleName[] = ['Monitoring Reader', 'Reader', 'Contributor', 'Owner'];

/**
 * The metrics data plane's batch query, with the rules of
 * https://learn.microsoft.com/azure/azure-monitor/metrics/migrate-to-batch-api ("Batching restrictions":
 * all resources of one subscription, one region and one resource type) and of the REST reference
 * (≤50 resource ids, ≤20 metric names, `starttime`/`endtime`): a region other than the host's, a
 * type other than `metricnamespace`, a resource of another subscription or too many ids answer 400.
 * The principal needs a reading role on the subscription itself, else 401. The answer has the shape of
 * MetricBatchExample*.json: one `values` item per resource, each a per-resource metrics response with
 * `starttime`, `endtime`, `resourceid`. Throttling (529) is produced by injected faults.
 */
export const handleMetricsBatchRequest: SandboxRequestHandler = async (context, req, res, path, query) => {
  const route = METRICS_BATCH_PATH.exec(path);
  if (!route?.[1] || !route[2] || req.method !== 'POST') {
    return sendJson(
      res,
      404,
      error('NotFound', `The metrics data plane does not serve ${req.method ?? ''} '${path}'.`),
    );
  }
  const region = route[1].toLowerCase();
  const subscriptionId = route[2];
  if (!query.get('api-version')) {
    return sendJson(res, 400, error('MissingApiVersionParameter', 'The api-version query parameter is required.'));
  }
  // The data plane's own audience, or ARM's (the default of @azure/monitor-query-metrics' MetricsClient).
  const auth = authenticateBearer(context, req, [METRICS_AUDIENCE, ARM_AUDIENCE, context.urls.arm]);
  if (!auth.ok) {
    return sendJson(res, 401, error('InvalidAuthenticationToken', `The access token is invalid (${auth.reason}).`));
  }
  const subscription = context.state.findSubscription(subscriptionId);
  if (!subscription || !allowed(context, auth.principal, subscriptionId)) {
    return sendJson(
      res,
      401,
      error(
        'Unauthorized',
        `The principal '${auth.principal.objectId}' is not authorized to read metrics of subscription '${subscriptionId}' in a batch: Monitoring Reader at subscription scope is required.`,
      ),
    );
  }
  let resourceIds: string[];
  try {
    const body = JSON.parse(await readRequestBody(req)) as { resourceids?: unknown };
    if (!Array.isArray(body.resourceids) || !body.resourceids.every((id) => typeof id === 'string')) throw new Error();
    resourceIds = body.resourceids as string[];
  } catch {
    return sendJson(res, 400, error('BadRequest', 'The body must be {"resourceids": [resource ids]}.'));
  }
  const namespace = (query.get('metricnamespace') ?? '').toLowerCase();
  const metricNames = (query.get('metricnames') ?? '').split(',').filter((n) => n.trim() !== '');
  const problem =
    resourceIds.length === 0
      ? 'At least one resource id is required.'
      : resourceIds.length > MAX_BATCH_RESOURCE_IDS
        ? `At most ${MAX_BATCH_RESOURCE_IDS} resource ids are allowed in one batch, got ${resourceIds.length}.`
        : metricNames.length === 0 || metricNames.length > MAX_BATCH_METRIC_NAMES
          ? `Between 1 and ${MAX_BATCH_METRIC_NAMES} metric names are required, got ${metricNames.length}.`
          : !namespace
            ? 'metricnamespace is required.'
            : undefined;
  if (problem) return sendJson(res, 400, error('BadRequest', problem));

  const start = query.get('starttime');
  const end = query.get('endtime');
  const perResource = new URLSearchParams();
  if (start && end) perResource.set('timespan', `${start}/${end}`);
  for (const name of ['interval', 'metricnames', 'aggregation', 'filter'] as const) {
    const value = query.get(name);
    if (value !== null) perResource.set(name === 'filter' ? '$filter' : name, value);
  }
  const values: unknown[] = [];
  for (const resourceId of resourceIds) {
    const parsed = parseResourceId(resourceId);
    if (parsed?.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
      return sendJson(
        res,
        400,
        error('BadRequest', `Resource '${resourceId}' is not in subscription '${subscriptionId}'.`),
      );
    }
    const resource = context.state.findResource(resourceId);
    if (!resource) {
      return sendJson(res, 400, error('ResourceNotFound', `The resource '${resourceId}' was not found.`));
    }
    if (resource.type.toLowerCase() !== namespace) {
      return sendJson(
        res,
        400,
        error(
          'BadRequest',
          `All resources in a batch must be of type '${namespace}'; '${resourceId}' is '${resource.type}'.`,
        ),
      );
    }
    const resourceRegion = resource.location.toLowerCase().replace(/\s+/g, '');
    if (resourceRegion !== region) {
      return sendJson(
        res,
        400,
        error(
          'BadRequest',
          `All resources in a batch must be in region '${region}'; '${resourceId}' is in '${resourceRegion}'.`,
        ),
      );
    }
    const answer = metricsBody(resource, perResource, context.state.now(), context.state.metricIngestionDelayMs);
    if (answer.status !== 200) {
      const flat = answer.body as { code?: string; message?: string };
      return sendJson(res, answer.status, error(flat.code ?? 'BadRequest', flat.message ?? 'Invalid request.'));
    }
    const body = answer.body as { timespan: string; interval: string; value: unknown[]; namespace: string };
    const [starttime, endtime] = body.timespan.split('/');
    values.push({
      starttime,
      endtime,
      interval: body.interval,
      value: body.value,
      namespace: body.namespace,
      resourceregion: resourceRegion,
      resourceid: resource.id,
    });
  }
  sendJson(res, 200, { values });
};

function allowed(context: SandboxContext, principal: SandboxPrincipal, subscriptionId: string): boolean {
  return context.state.hasRole(principal, `/subscriptions/${subscriptionId}`, BATCH_ROLES);
}

function error(code: string, message: string): unknown {
  return { error: { code, message } };
}
