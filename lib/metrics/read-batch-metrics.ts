import type { MetricsClient } from '@azure/monitor-query-metrics';
import { chunk } from '../batching/chunk';
import { MAX_METRICS_PER_CALL, type ResourceTarget } from '../customers/customer';
import type { Datapoint } from './datapoint';
import type { MetricRead } from './plan-metric-read';
import { toDatapoints, type MetricsResponseLike } from './to-datapoints';

/**
 * Resource ids per `metrics:getBatch` call, Azure's limit
 * (https://learn.microsoft.com/azure/azure-monitor/metrics/migrate-to-batch-api).
 */
export const MAX_BATCH_RESOURCES = 50;

/** A resource ready for a batch: its target and where it lives (from its state). */
export interface BatchTarget {
  readonly target: ResourceTarget;
  /** Region as Azure names it in URLs, e.g. `westeurope`. */
  readonly region: string;
  /** ARM type, e.g. `Microsoft.Compute/virtualMachines` (any casing). */
  readonly type: string;
}

/** One `metrics:getBatch` call: resources of one subscription, region and type, one metric set and grain. */
export interface BatchCall {
  readonly subscriptionId: string;
  readonly region: string;
  readonly type: string;
  readonly metrics: readonly string[];
  readonly interval: string;
  readonly aggregations: readonly string[];
  readonly resourceIds: readonly string[];
}

/**
 * Plans the fewest batch calls for `targets`: grouped by subscription, region, type, metric set,
 * interval and aggregations (one call carries one of each), at most MAX_BATCH_RESOURCES ids and
 * MAX_METRICS_PER_CALL names per call. For R resources sharing all of those, that is
 * ⌈R/50⌉ × ⌈M/20⌉ calls: the lower bound.
 */
export function planBatchCalls(targets: readonly BatchTarget[]): BatchCall[] {
  const groups = new Map<string, { call: Omit<BatchCall, 'resourceIds'>; ids: string[] }>();
  for (const { target, region, type } of targets) {
    if (target.metrics.length === 0) continue;
    const subscriptionId = /\/subscriptions\/([^/]+)/i.exec(target.resourceId)?.[1]?.toLowerCase() ?? '';
    const metrics = [...new Set(target.metrics)].sort();
    const aggregations = [...target.aggregations].sort();
    const key = [
      subscriptionId,
      region.toLowerCase(),
      type.toLowerCase(),
      metrics.join(','),
      target.interval,
      aggregations.join(','),
    ].join('|');
    let group = groups.get(key);
    if (!group) {
      group = {
        call: { subscriptionId, region: region.toLowerCase(), type, metrics, interval: target.interval, aggregations },
        ids: [],
      };
      groups.set(key, group);
    }
    group.ids.push(target.resourceId);
  }
  const calls: BatchCall[] = [];
  for (const { call, ids } of groups.values()) {
    for (const resourceIds of chunk(ids, MAX_BATCH_RESOURCES)) {
      for (const metrics of chunk(call.metrics, MAX_METRICS_PER_CALL)) calls.push({ ...call, metrics, resourceIds });
    }
  }
  return calls;
}

/**
 * A batch call's result: datapoints per resource id (as asked), and a `cost` only if Azure reported one:
 * the 2024-02-01 batch response (MetricResultsResponseValuesItem) has no such field, unlike Metrics_List.
 */
export interface BatchResult {
  readonly datapoints: ReadonlyMap<string, Datapoint[]>;
  readonly cost?: number;
}

type RawBatchBody = { values?: Array<MetricsResponseLike & { resourceid?: string; cost?: number }> };

/**
 * Runs one batch call through `MetricsClient.queryResources` (the real SDK: auth, retries, audit) and
 * converts every resource's part with the same `toDatapoints` as the per-resource path. The raw body is
 * read (`onResponse`) because the SDK's model reports a metric's localized name: series are keyed on the
 * names asked for (`name.value`), never on display names. `read` is the window widened by its look-back,
 * with the instant before which buckets count as settled (the same plan as the per-resource path).
 */
export async function readBatchMetrics(
  client: Pick<MetricsClient, 'queryResources'>,
  call: BatchCall,
  read: MetricRead,
  abortSignal?: AbortSignal,
): Promise<BatchResult> {
  let raw: RawBatchBody | undefined;
  await client.queryResources([...call.resourceIds], [...call.metrics], call.type, {
    startTime: read.range.start,
    endTime: read.range.end,
    interval: call.interval,
    aggregation: call.aggregations.map((a) => a.toLowerCase()).join(','),
    ...(abortSignal ? { abortSignal } : {}),
    onResponse: (response: { parsedBody?: unknown; bodyAsText?: string | null }) => {
      raw = (response.parsedBody ?? JSON.parse(response.bodyAsText ?? '{}')) as RawBatchBody;
    },
  } as Parameters<MetricsClient['queryResources']>[3]);
  const byLowerId = new Map(call.resourceIds.map((id) => [id.toLowerCase(), id]));
  const datapoints = new Map<string, Datapoint[]>(call.resourceIds.map((id) => [id, []]));
  let cost: number | undefined;
  for (const item of raw?.values ?? []) {
    const asked = byLowerId.get((item.resourceid ?? '').toLowerCase());
    if (!asked) continue; // Azure answers only for the ids asked; anything else is not ours to store
    datapoints.get(asked)?.push(
      ...toDatapoints(item, {
        resourceId: asked,
        requestedMetrics: call.metrics,
        interval: call.interval,
        range: read.range,
        settledBefore: read.settledBefore,
      }),
    );
    if (typeof item.cost === 'number') cost = (cost ?? 0) + item.cost;
  }
  return { datapoints, ...(cost !== undefined ? { cost } : {}) };
}
