import type { MonitorClient } from '@azure/arm-monitor';
import { chunk } from '../batching/chunk';
import { MAX_METRICS_PER_CALL, type ResourceTarget } from '../customers/customer';
import type { TimeWindow } from '../collect/closed-window';
import type { Datapoint } from './datapoint';
import { toDatapoints } from './to-datapoints';

/**
 * Reads the configured metrics of one resource for one window, at most 20 names per call
 * (Azure Monitor's limit). Errors propagate as the SDK's RestError for the caller to diagnose.
 */
export async function readResourceMetrics(
  client: MonitorClient,
  target: ResourceTarget,
  window: TimeWindow,
  abortSignal?: AbortSignal,
): Promise<Datapoint[]> {
  const points: Datapoint[] = [];
  for (const names of chunk(target.metrics, MAX_METRICS_PER_CALL)) {
    const response = await client.metrics.list(target.resourceId, {
      timespan: `${window.start.toISOString()}/${window.end.toISOString()}`,
      interval: target.interval,
      metricnames: names.join(','),
      aggregation: target.aggregations.join(','),
      ...(abortSignal ? { abortSignal } : {}),
    });
    points.push(...toDatapoints(target.resourceId, names, target.interval, response));
  }
  return points;
}
