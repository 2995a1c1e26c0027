import type { TimeWindow } from '../collect/closed-window';
import type { ResourceTarget } from '../customers/customer';
import { planBatchCalls, readBatchMetrics } from '../metrics/read-batch-metrics';
import type { ArmClients } from '../resources/arm-clients';
import { readResourceStates } from '../resources/read-resource-states';
import { resourceTypeOf } from '../resources/resource-type-of';
import { diagnoseError } from './diagnose-error';
import type { DiagnosisContext } from './diagnosis-catalogue';

/** What the connection test says about reading this customer's metrics in batches. */
export interface BatchProbe {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Tries the metrics batch API once per subscription (one resource, its first metric) to tell the
 * operator how the worker will read this customer's metrics. A refusal is not a failure (the worker
 * falls back to one call per resource), so it is reported as advice with the one role assignment that
 * enables batch, not as a problem. Other errors are left to the per-resource checks to explain.
 */
export async function probeMetricsBatch(
  clients: ArmClients,
  armEndpoint: string,
  targets: readonly ResourceTarget[],
  window: TimeWindow,
  context: DiagnosisContext,
  signal: () => AbortSignal,
  secrets: readonly (string | undefined)[],
): Promise<BatchProbe | undefined> {
  const withMetrics = targets.filter((t) => t.metrics.length > 0);
  if (withMetrics.length === 0) return undefined;
  const states = await readResourceStates(
    clients,
    armEndpoint,
    withMetrics.map((t) => t.resourceId),
    4,
    signal,
  );
  const calls = planBatchCalls(
    withMetrics.flatMap((target) => {
      const read = states.byResourceId.get(target.resourceId);
      if (!read?.ok) return [];
      const region = (read.state.location ?? '').toLowerCase().replace(/\s+/g, '');
      return [
        { target: { ...target, metrics: target.metrics.slice(0, 1) }, region, type: resourceTypeOf(target.resourceId) },
      ];
    }),
  );
  const perSubscription = new Map(
    calls.map((c) => [c.subscriptionId, { ...c, resourceIds: c.resourceIds.slice(0, 1) }]),
  );
  const refused: string[] = [];
  for (const call of perSubscription.values()) {
    try {
      await readBatchMetrics(
        clients.metricsBatch(call.region),
        call,
        { range: window, settledBefore: window.end },
        signal(),
      );
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      if (status !== 401 && status !== 403) continue;
      const diagnosis = diagnoseError(
        error,
        'metrics',
        { ...context, scope: `/subscriptions/${call.subscriptionId}` },
        secrets,
      );
      refused.push(`/subscriptions/${call.subscriptionId}: ${diagnosis.commands?.azCli ?? diagnosis.fix}`);
    }
  }
  if (perSubscription.size === 0) return undefined;
  const resources = withMetrics.length;
  if (refused.length === 0) {
    return {
      ok: true,
      detail: `metrics batch API (metrics:getBatch) readable in ${perSubscription.size} subscription(s): metrics are read in batches of up to 50 resources`,
    };
  }
  return {
    ok: true,
    detail:
      `metrics batch API refused (no reading role at subscription scope): the ${resources} resource(s) with metrics are read ` +
      `one call each, every hour, against the subscription's ARM read budget. To read them in batches, the customer grants ` +
      `Monitoring Reader on the subscription: ${refused.join(' ; ')}`,
  };
}
