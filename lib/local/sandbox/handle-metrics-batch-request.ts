import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './sandbox-context';
import type { SandboxPrincipal } from './sandbox-state';
import { sendJson } from './send-json';

/** `POST /subscriptions/{id}/metrics:getBatch`. */
export const METRICS_BATCH_PATH = /^\/subscriptions\/([^/]+)\/metrics:getBatch$/i;

/**
 * The authorization rule of the metrics batch API: it checks Monitoring Reader at subscription scope
 * only, so a principal with resource-level roles gets 401. The sandbox serves it on the ARM listener
 * (Azure: `https://{region}.metrics.monitor.azure.com`) and answers an empty result when allowed;
 * it exists so the batch 401 can be produced and diagnosed.
 */
export function handleMetricsBatchRequest(
  context: SandboxContext,
  res: ServerResponse,
  principal: SandboxPrincipal,
  subscriptionId: string,
): void {
  const scope = `/subscriptions/${subscriptionId}`;
  if (!context.state.hasRole(principal, scope, ['Monitoring Reader', 'Owner', 'Contributor'])) {
    return sendJson(res, 401, {
      error: {
        code: 'Unauthorized',
        message: `The principal '${principal.objectId}' is not authorized to read metrics of subscription '${subscriptionId}' in a batch: Monitoring Reader at subscription scope is required.`,
      },
    });
  }
  sendJson(res, 200, { values: [] });
}
