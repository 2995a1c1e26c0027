import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { currentAuditRecorder } from './audit-recorder';

const AUDIT_POLICY_NAME = 'customerTenantAuditPolicy';

/**
 * An SDK pipeline policy that records every HTTP call into a customer's tenant (ARM reads, metrics,
 * and the credential's token requests) on the current run's audit recorder. Placed per retry, so
 * each attempt the customer's Activity Log can show is recorded. Records only method, path, status
 * and request ids: never headers with tokens, bodies or query strings.
 */
function createAuditPolicy(): PipelinePolicy {
  return {
    name: AUDIT_POLICY_NAME,
    async sendRequest(request, next) {
      const recorder = currentAuditRecorder();
      if (!recorder) return next(request);
      const started = Date.now();
      const base = { at: new Date(started).toISOString(), method: request.method, ...describeCall(request) };
      try {
        const response = await next(request);
        const cost = base.operation === 'metrics.list' ? reportedCost(response) : undefined;
        const requestId = response.headers.get('x-ms-request-id');
        const correlationId =
          response.headers.get('x-ms-correlation-request-id') ?? response.headers.get('client-request-id');
        recorder.add({
          ...base,
          status: response.status,
          ...(requestId ? { requestId } : {}),
          ...(correlationId ? { correlationId } : {}),
          durationMs: Date.now() - started,
          ...(cost !== undefined ? { cost } : {}),
        });
        return response;
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode;
        recorder.add({
          ...base,
          status: typeof status === 'number' ? status : 0,
          correlationId: request.requestId,
          durationMs: Date.now() - started,
        });
        throw error;
      }
    },
  };
}

/**
 * The top-level `cost` of a successful Metrics_List answer (GetMetric.json in the REST specs: `"cost": 598`).
 * The body is text here (the SDK deserializes later); a body that is not JSON simply reports no cost.
 */
function reportedCost(response: PipelineResponse): number | undefined {
  if (response.status !== 200 || !response.bodyAsText) return undefined;
  try {
    const cost = (JSON.parse(response.bodyAsText) as { cost?: unknown }).cost;
    return typeof cost === 'number' && Number.isFinite(cost) ? cost : undefined;
  } catch {
    return undefined;
  }
}

/** `{ policy, position }` for a client's `additionalPolicies`. */
export function auditPolicyEntry(): { policy: PipelinePolicy; position: 'perRetry' } {
  return { policy: createAuditPolicy(), position: 'perRetry' };
}

function describeCall(request: PipelineRequest): { operation: string; resource: string } {
  // The ARM SDK sends `//subscriptions/...`: collapse slashes before reading the path.
  const url = new URL(request.url);
  const path = decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/');
  // Snapshot delivery into the customer's storage: only Storage sends x-ms-version; the account is in the host.
  if (request.headers.has('x-ms-version'))
    return { operation: `blob.${request.method.toLowerCase()}`, resource: `${url.origin}${path}` };
  const tenant = /^\/([^/]+)\/(oauth2\/v2\.0\/token|v2\.0\/\.well-known\/openid-configuration)/i.exec(path);
  if (tenant?.[1])
    return { operation: /token$/i.test(tenant[2] ?? '') ? 'token' : 'tenantMetadata', resource: tenant[1] };
  const insights = /^(.*)\/providers\/microsoft\.insights\/(metrics|metricdefinitions)$/i.exec(path);
  if (insights?.[1]) {
    return {
      operation: insights[2]?.toLowerCase() === 'metrics' ? 'metrics.list' : 'metricDefinitions.list',
      resource: insights[1],
    };
  }
  // The regional host's path may carry a prefix before the subscription (the sandbox's region segment).
  if (/\/metrics:getBatch$/i.test(path))
    return {
      operation: 'metrics.getBatch',
      resource: path.replace(/\/metrics:getBatch$/i, '').replace(/^.*?(?=\/subscriptions\/)/i, ''),
    };
  if (/^\/providers\/microsoft\.resourcegraph\/resources$/i.test(path))
    return { operation: 'resourceGraph.query', resource: path };
  return { operation: request.method === 'GET' ? 'resources.getById' : request.method.toLowerCase(), resource: path };
}
