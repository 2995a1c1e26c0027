import type { MonitorClient } from '@azure/arm-monitor';
import { chunk } from '../batching/chunk';
import { MAX_METRICS_PER_CALL, type ResourceTarget } from '../customers/customer';
import type { Datapoint } from './datapoint';
import type { MetricRead } from './plan-metric-read';
import { toDatapoints } from './to-datapoints';

/**
 * Split series asked for per call. Azure's `top` defaults to 10 series once a `$filter` is given
 * (Metrics_List `top`: "Valid only if $filter is specified. Defaults to 10."), which would silently drop
 * the 11th value of a dimension; we ask for more.
 */
export const SPLIT_SERIES_TOP = 100;

/**
 * Reads the configured metrics of one resource over one read range (the window and its look-back) in as
 * few calls as Azure allows: at most 20 names per call, and one call per distinct dimension split (the
 * `$filter` applies to every metric of a call). Errors propagate as the SDK's RestError.
 */
export async function readResourceMetrics(
  client: MonitorClient,
  target: ResourceTarget,
  read: MetricRead,
  abortSignal?: AbortSignal,
): Promise<Datapoint[]> {
  return (await readResourceMetricsWithCost(client, target, read, abortSignal)).datapoints;
}

/**
 * readResourceMetrics, with the `cost` Azure reports on each Metrics_List answer summed (the GetMetric
 * spec example carries `"cost": 598`); undefined when no answer carried one.
 */
export async function readResourceMetricsWithCost(
  client: MonitorClient,
  target: ResourceTarget,
  read: MetricRead,
  abortSignal?: AbortSignal,
): Promise<{ datapoints: Datapoint[]; cost: number | undefined }> {
  const points: Datapoint[] = [];
  let cost: number | undefined;
  for (const { names, dimensions } of groupBySplit(target)) {
    for (const part of chunk(names, MAX_METRICS_PER_CALL)) {
      const filter = splitFilter(dimensions);
      const response = await client.metrics.list(target.resourceId, {
        timespan: `${read.range.start.toISOString()}/${read.range.end.toISOString()}`,
        interval: target.interval,
        metricnames: part.join(','),
        aggregation: target.aggregations.join(','),
        ...(filter ? { filter, top: SPLIT_SERIES_TOP } : {}),
        ...(abortSignal ? { abortSignal } : {}),
      });
      if (typeof response.cost === 'number') cost = (cost ?? 0) + response.cost;
      points.push(
        ...toDatapoints(response, {
          resourceId: target.resourceId,
          requestedMetrics: part,
          interval: target.interval,
          range: read.range,
          settledBefore: read.settledBefore,
          dimensionNames: dimensions,
        }),
      );
    }
  }
  return { datapoints: points, cost };
}

/** The target's metrics grouped by the dimensions they are split by (unsplit metrics form one group). */
export function groupBySplit(target: Pick<ResourceTarget, 'metrics' | 'dimensions'>): Array<{
  names: string[];
  dimensions: string[];
}> {
  const splitOf = new Map(Object.entries(target.dimensions ?? {}).map(([m, d]) => [m.toLowerCase(), d]));
  const groups = new Map<string, { names: string[]; dimensions: string[] }>();
  for (const name of target.metrics) {
    const dimensions = splitOf.get(name.toLowerCase()) ?? [];
    const key = dimensions
      .map((d) => d.toLowerCase())
      .sort()
      .join('\n');
    const group = groups.get(key) ?? { names: [], dimensions };
    group.names.push(name);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** `Tier eq '*' and ApiName eq '*'`: one series per value combination (Azure's `$filter` syntax). */
export function splitFilter(dimensions: readonly string[]): string | undefined {
  return dimensions.length > 0 ? dimensions.map((d) => `${d} eq '*'`).join(' and ') : undefined;
}
