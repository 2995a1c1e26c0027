import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { ResourceTarget } from '../customers/customer';
import type { Diagnosis } from '../diagnose/diagnose-error';
import type { Stage } from '../diagnose/diagnosis-catalogue';
import type { Datapoint } from '../metrics/datapoint';
import { shouldTryBatch, type MetricsAccess, type MetricsAccessStore } from '../metrics/metrics-access-store';
import { planBatchCalls, readBatchMetrics, type BatchCall } from '../metrics/read-batch-metrics';
import { planMetricRead } from '../metrics/plan-metric-read';
import { readResourceMetricsWithCost } from '../metrics/read-resource-metrics';
import type { MetricSourceId, MetricSourceTiming } from '../config/metric-sources';
import type { ArmClients } from '../resources/arm-clients';
import type { ResourceState } from '../resources/read-resource-state';
import { readResourceStates } from '../resources/read-resource-states';
import { resourceTypeOf } from '../resources/resource-type-of';
import type { TimeWindow } from './closed-window';

/** What was read of one resource in one run. */
export interface ResourceRead {
  readonly target: ResourceTarget;
  readonly state?: ResourceState;
  readonly rawResource?: unknown;
  readonly datapoints: Datapoint[];
  readonly diagnosis?: Diagnosis;
  /** Fabric capacities: throttling, sustained high CU, carry-forward, paused (see assessCapacityConditions). */
  readonly conditions?: readonly string[];
  /** Taken from an earlier attempt of the same run (see planRetryReads): already stored, not read again. */
  readonly reused?: boolean;
  /** A reused reading's state: when the earlier attempt read it, and whether that was late (see buildSnapshot). */
  readonly stateReadAt?: string;
  readonly stateReadLate?: boolean;
}

/** Calls made into the customer's tenant for resources and metrics in one run (tokens and Key Vault aside). */
export interface ReadCalls {
  readonly resourceGraph: number;
  readonly armGets: number;
  readonly metricsBatch: number;
  readonly metricsPerResource: number;
}

export interface CustomerReads {
  readonly reads: ResourceRead[];
  /** How metrics were read this run, and why per resource when so. */
  readonly metricsAccess: MetricsAccess;
  readonly calls: ReadCalls;
  /**
   * The `cost` Azure reported for the metrics read: Metrics_List answers carry one, metrics:getBatch answers
   * do not (MetricResultsResponseValuesItem has no such field); 0 when no answer had one.
   */
  readonly metricsCost: number;
}

export interface ReadCustomerResourcesInput {
  readonly customerId: string;
  readonly clients: ArmClients;
  readonly targets: readonly ResourceTarget[];
  readonly window: TimeWindow;
  readonly metricsAccess: MetricsAccessStore;
  readonly settings: {
    readonly armEndpoint: string;
    readonly httpTimeoutMs: number;
    readonly customerConcurrency: number;
    /** `auto`: batch unless refused; `perResource`: never batch. */
    readonly metricsMode: 'auto' | 'perResource';
    readonly metricsBatchReprobeHours: number;
    /** Look-back and ingestion delay per metric source (Azure Monitor's is used here). */
    readonly metricSources: Readonly<Record<MetricSourceId, MetricSourceTiming>>;
  };
  readonly now: Date;
  /** Diagnoses an error of one resource (redacted, scoped to it). */
  readonly diagnose: (error: unknown, stage: Stage, resourceId: string) => Diagnosis;
}

/**
 * Reads state and metrics of every target with the fewest calls Azure allows: state from one
 * Resource Graph query (ARM GET only for what the graph lacks), metrics with `metrics:getBatch`
 * (≤50 resources of one subscription, region and type per call). A principal the batch API refuses
 * (no reading role at subscription scope: 401/403) is read per resource, this run and the following
 * ones, until the refusal is `metricsBatchReprobeHours` old and batch is tried again. One resource's
 * failure never hides another's data.
 */
export async function readCustomerResources(input: ReadCustomerResourcesInput): Promise<CustomerReads> {
  const { clients, targets, settings } = input;
  const signal = () => AbortSignal.timeout(settings.httpTimeoutMs);
  const states = await readResourceStates(
    clients,
    settings.armEndpoint,
    targets.map((t) => t.resourceId),
    settings.customerConcurrency,
    signal,
  );
  const reads = new Map<
    string,
    {
      target: ResourceTarget;
      state?: ResourceState;
      rawResource?: unknown;
      datapoints: Datapoint[];
      diagnosis?: Diagnosis;
    }
  >();
  const needMetrics: { target: ResourceTarget; state: ResourceState }[] = [];
  for (const target of targets) {
    const read = states.byResourceId.get(target.resourceId);
    if (!read?.ok) {
      reads.set(target.resourceId, {
        target,
        datapoints: [],
        diagnosis: input.diagnose(read?.error ?? new Error('state not read'), 'arm', target.resourceId),
      });
      continue;
    }
    reads.set(target.resourceId, { target, state: read.state, rawResource: read.raw, datapoints: [] });
    if (target.metrics.length > 0) needMetrics.push({ target, state: read.state });
  }

  const metrics = await readTargetMetrics(input, needMetrics, reads);

  return {
    reads: targets.map((t) => reads.get(t.resourceId) as ResourceRead),
    metricsAccess: metrics.access,
    calls: {
      resourceGraph: states.graphQueries,
      armGets: states.armGets,
      metricsBatch: metrics.metricsBatch,
      metricsPerResource: metrics.metricsPerResource,
    },
    metricsCost: metrics.metricsCost,
  };
}

/** A resource whose metrics are to be read, with where it lives (the batch API groups by region). */
export interface MetricsTarget {
  readonly target: ResourceTarget;
  readonly state: Pick<ResourceState, 'location'>;
}

/** How one metrics read went: the access mode it used and the calls it made. */
export interface TargetMetricsRead {
  readonly access: MetricsAccess;
  readonly metricsBatch: number;
  readonly metricsPerResource: number;
  readonly metricsCost: number;
}

/**
 * Reads the metrics of `needMetrics` over the window and its look-back, into `reads` (datapoints added, or
 * a diagnosis set per resource): batch where the principal may, per resource otherwise. Shared by the
 * collection run and the settle read (lib/settle), which re-reads metrics alone.
 */
export async function readTargetMetrics(
  input: Omit<ReadCustomerResourcesInput, 'targets'>,
  needMetrics: readonly MetricsTarget[],
  reads: ReadonlyMap<string, { datapoints: Datapoint[]; diagnosis?: Diagnosis }>,
): Promise<TargetMetricsRead> {
  const { clients, window, settings } = input;
  const signal = () => AbortSignal.timeout(settings.httpTimeoutMs);
  const previous = await input.metricsAccess.find(input.customerId);
  let access: MetricsAccess = previous ?? { mode: 'batch', checkedAt: input.now.toISOString() };
  let metricsBatch = 0;
  let metricsCost = 0;
  let perResource = needMetrics;
  const planFor = (interval: string) =>
    planMetricRead(window, interval, settings.metricSources.azureMonitor, input.now);
  // Metrics split by a dimension are read per resource (one call per split, as the per-resource reader does).
  const batchable = needMetrics.filter(({ target }) => Object.keys(target.dimensions ?? {}).length === 0);
  const tryBatch =
    settings.metricsMode === 'auto' &&
    batchable.length > 0 &&
    shouldTryBatch(previous, input.now, settings.metricsBatchReprobeHours);
  if (tryBatch) {
    const calls = planBatchCalls(
      batchable.map(({ target, state }) => ({
        target,
        region: regionName(state.location ?? ''),
        type: resourceTypeOf(target.resourceId),
      })),
    );
    let refusal: { error: unknown; call: BatchCall } | undefined;
    const refusedIds = new Set<string>();
    // The refusal is about a role on the subscription: once one call of a subscription is refused, its
    // other calls would be refused too, so they are not sent (1,000 VMs would otherwise cost 20 refusals).
    const refusedSubscriptions = new Set<string>();
    await mapWithConcurrency(calls, settings.customerConcurrency, async (call) => {
      if (refusedSubscriptions.has(call.subscriptionId)) {
        for (const id of call.resourceIds) refusedIds.add(id);
        return;
      }
      metricsBatch += 1;
      try {
        const result = await readBatchMetrics(
          clients.metricsBatch(call.region),
          call,
          planFor(call.interval),
          signal(),
        );
        metricsCost += result.cost ?? 0;
        for (const [id, points] of result.datapoints) reads.get(id)?.datapoints.push(...points);
      } catch (error) {
        if (isBatchRefused(error)) {
          refusal ??= { error, call };
          refusedSubscriptions.add(call.subscriptionId);
          for (const id of call.resourceIds) refusedIds.add(id);
          return;
        }
        for (const id of call.resourceIds) {
          const read = reads.get(id);
          if (read && !read.diagnosis) read.diagnosis = input.diagnose(error, 'metrics', id);
        }
      }
    });
    perResource = needMetrics.filter(
      ({ target }) => refusedIds.has(target.resourceId) || !batchable.some((b) => b.target === target),
    );
    if (refusal) {
      const diagnosis = input.diagnose(refusal.error, 'metrics', refusal.call.resourceIds[0] ?? '');
      access = {
        mode: 'perResource',
        checkedAt: input.now.toISOString(),
        reasonCode: diagnosis.code,
        scope: `/subscriptions/${refusal.call.subscriptionId}`,
      };
    } else {
      access = { mode: 'batch', checkedAt: input.now.toISOString() };
    }
    await input.metricsAccess.record(input.customerId, access);
  } else if (settings.metricsMode === 'perResource') {
    access = { mode: 'perResource', checkedAt: input.now.toISOString(), reasonCode: 'MetricsModePerResource' };
  }

  let metricsPerResource = 0;
  await mapWithConcurrency(perResource, settings.customerConcurrency, async ({ target }) => {
    metricsPerResource += Math.ceil(target.metrics.length / 20);
    const read = reads.get(target.resourceId);
    if (!read) return;
    try {
      const result = await readResourceMetricsWithCost(clients.monitor, target, planFor(target.interval), signal());
      read.datapoints.push(...result.datapoints);
      metricsCost += result.cost ?? 0;
    } catch (error) {
      read.diagnosis = input.diagnose(error, 'metrics', target.resourceId);
    }
  });

  return { access, metricsBatch, metricsPerResource, metricsCost };
}

/** `West Europe` (ARM) and `westeurope` (Resource Graph) are the same region: the URL form. */
function regionName(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

/** The batch API refuses a principal without a reading role at subscription scope with 401 (or 403). */
function isBatchRefused(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return status === 401 || status === 403;
}
