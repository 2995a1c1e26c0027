import { DEFAULT_CACHED_CUSTOMERS, LruMap } from '../caching/lru-map';
import type { TokenCredential } from '@azure/identity';
import { AppError } from '../errors/app-error';
import type { MetricSourceTiming } from '../config/metric-sources';
import type { Datapoint } from '../metrics/datapoint';
import { planMetricRead } from '../metrics/plan-metric-read';
import type { AdditionalPolicies } from '../resources/arm-clients';
import type { CapacityEventStore } from './capacity-event-store';
import {
  detectModelShape,
  findCapacityMetricsDataset,
  isDaxFailure,
  type CapacityMetricsModel,
} from './capacity-metrics-model';
import { findShape, type CapacityMetricsShape } from './capacity-metrics-shapes';
import type { FabricConfig } from './fabric-config';
import { isFabricCapacity, rollUpTimepoints } from './fabric-metrics';
import type { FabricModelStore } from './fabric-model-store';
import { PowerBiClient, QueryPacer, type PowerBiEndpoints } from './power-bi-client';
import {
  capacityName,
  mapArmCapacity,
  readCapacityTimepoints,
  readModelCapacityIds,
} from './read-capacity-utilization';

export interface FabricCollectorOptions {
  readonly endpoints: PowerBiEndpoints;
  readonly models: FabricModelStore;
  readonly events: CapacityEventStore;
  /**
   * Look-back and ingestion delay (METRIC_SOURCES `fabricCapacity`): the app's model lags 10–15 minutes, so each
   * run re-reads the look-back and stores buckets that may still grow as provisional, as for Azure Monitor.
   */
  readonly timing: MetricSourceTiming;
  /** How long a found model (workspace, dataset, shape) is reused before it is looked up again. */
  readonly cacheHours: number;
  readonly additionalPolicies?: AdditionalPolicies;
  readonly now: () => Date;
  /** Customers whose Power BI query pacers stay in memory (least recently used dropped). */
  readonly maxCachedCustomers?: number;
}

export interface FabricCustomer {
  readonly id: string;
  readonly authMode: string;
  readonly fabric?: FabricConfig | undefined;
}

/** One capacity's outcome: its series, or the error that stopped them (diagnosed by the caller). */
export interface FabricCapacityRead {
  readonly resourceId: string;
  readonly datapoints: Datapoint[];
  readonly error?: unknown;
  /** Ids known when it failed, for the diagnosis' fix commands. */
  readonly ids?: { readonly workspaceId?: string; readonly datasetId?: string; readonly capacityId?: string };
}

/** Auth modes whose token comes from the provider's tenant: Power BI has no delegated (Lighthouse) access. */
const PROVIDER_TENANT_MODES = new Set(['lighthouse', 'managedIdentity']);

/**
 * CU utilization for a customer's Fabric capacities, one more source of the collect run. Pull: the
 * Capacity Metrics app's model via executeQueries with the customer's own principal. Push: the events
 * the customer sent, already stored. Both roll up to the customer's Fabric interval, so the capacity
 * gets the same series either way.
 */
export class FabricCollector {
  /** One pacer per customer principal: Power BI's 120 queries/minute is per user. */
  readonly #pacers: LruMap<string, QueryPacer>;

  constructor(private readonly options: FabricCollectorOptions) {
    this.#pacers = new LruMap(options.maxCachedCustomers ?? DEFAULT_CACHED_CUSTOMERS);
  }

  async collect(
    customer: FabricCustomer,
    credential: TokenCredential,
    resourceIds: readonly string[],
    window: { readonly start: Date; readonly end: Date },
    signal?: AbortSignal,
    options: { readonly fresh?: boolean } = {},
  ): Promise<FabricCapacityRead[]> {
    const config = customer.fabric;
    const capacities = resourceIds.filter(isFabricCapacity);
    if (!config || capacities.length === 0) return [];
    const intervalMs = intervalToMs(config.interval);
    // Re-read a look-back aligned to whole buckets, so every bucket is rebuilt whole (planMetricRead, as for
    // Azure Monitor); a bucket that ends within the source's delay of now may still grow: provisional.
    const read = planMetricRead(window, config.interval, this.options.timing, this.options.now());
    const { start: from, end: to } = read.range;
    const roll = (resourceId: string, points: Parameters<typeof rollUpTimepoints>[1]) =>
      markProvisional(rollUpTimepoints(resourceId, points, config.interval, from, to), intervalMs, read.settledBefore);

    if (config.mode === 'push') {
      return Promise.all(
        capacities.map(async (resourceId) => ({
          resourceId,
          datapoints: roll(
            resourceId,
            await this.options.events.readTimepoints(customer.id, capacityName(resourceId), from, to),
          ),
        })),
      );
    }

    if (PROVIDER_TENANT_MODES.has(customer.authMode)) {
      const error = new AppError({
        kind: 'customerAccess',
        code: 'FabricPullNeedsCustomerPrincipal',
        message: `Auth mode ${customer.authMode} gets tokens from the provider's tenant; Power BI grants no delegated access to them`,
      });
      return capacities.map((resourceId) => ({ resourceId, datapoints: [], error }));
    }

    const client = new PowerBiClient(
      credential,
      this.options.endpoints,
      this.options.additionalPolicies,
      this.#pacerFor(customer.id),
    );
    let model: CapacityMetricsModel | undefined;
    let shape: CapacityMetricsShape;
    let modelIds: Set<string>;
    let listed: Awaited<ReturnType<PowerBiClient['listCapacities']>>;
    try {
      if (options.fresh) await this.options.models.clear(customer.id);
      ({ model, shape } = await this.#model(client, customer.id, config, signal));
      try {
        modelIds = await readModelCapacityIds(client, model.datasetId, shape, signal);
      } catch (error) {
        // A cached shape that no longer fits: the app was updated. Probe again, once.
        if (!isDaxFailure(error)) throw error;
        await this.options.models.clear(customer.id);
        ({ model, shape } = await this.#model(client, customer.id, config, signal));
        modelIds = await readModelCapacityIds(client, model.datasetId, shape, signal);
      }
      listed = await client.listCapacities(signal);
    } catch (error) {
      const ids = model ? { workspaceId: model.workspaceId, datasetId: model.datasetId } : {};
      return capacities.map((resourceId) => ({ resourceId, datapoints: [], error, ids }));
    }

    const reads: FabricCapacityRead[] = [];
    for (const resourceId of capacities) {
      let capacityId: string | undefined;
      try {
        const capacity = mapArmCapacity(resourceId, listed);
        capacityId = capacity.id;
        if (!modelIds.has(capacity.id.toUpperCase())) {
          throw new AppError({
            kind: 'customerAccess',
            code: 'FabricCapacityNotInModel',
            message: `Capacity ${capacity.displayName} (${capacity.id}) is not in the Capacities table of "${model.datasetName}" (${modelIds.size} capacit${modelIds.size === 1 ? 'y' : 'ies'} there)`,
            details: { capacityId: capacity.id, datasetId: model.datasetId },
          });
        }
        const timepoints = await readCapacityTimepoints(client, model.datasetId, shape, capacity.id, from, to, signal);
        reads.push({ resourceId, datapoints: roll(resourceId, timepoints) });
      } catch (error) {
        const ids = {
          workspaceId: model.workspaceId,
          datasetId: model.datasetId,
          ...(capacityId ? { capacityId } : {}),
        };
        reads.push({ resourceId, datapoints: [], error, ids });
      }
    }
    return reads;
  }

  async #model(
    client: PowerBiClient,
    customerId: string,
    config: FabricConfig,
    signal?: AbortSignal,
  ): Promise<{ model: CapacityMetricsModel; shape: CapacityMetricsShape }> {
    const now = this.options.now();
    const cached = await this.options.models.get(customerId, this.options.cacheHours * 3_600_000, now);
    const cachedShape = cached ? findShape(cached.shape) : undefined;
    if (cached && cachedShape) return { model: cached, shape: cachedShape };
    const dataset = await findCapacityMetricsDataset(
      client,
      { workspaceId: config.workspaceId, datasetId: config.datasetId, datasetName: config.datasetName },
      signal,
    );
    const shape = await detectModelShape(client, dataset, signal);
    const model = { ...dataset, shape: shape.id };
    await this.options.models.put(customerId, model, now);
    return { model, shape };
  }

  #pacerFor(customerId: string): QueryPacer {
    let pacer = this.#pacers.get(customerId);
    if (!pacer) this.#pacers.set(customerId, (pacer = new QueryPacer()));
    return pacer;
  }
}

function intervalToMs(interval: string): number {
  const match = /^PT(\d+)([MH])$/.exec(interval);
  if (!match) throw new RangeError(`Unsupported Fabric interval ${interval}`);
  return Number(match[1]) * (match[2] === 'H' ? 3_600_000 : 60_000);
}

/** Buckets that end after `settledBefore` may still receive timepoints: marked as Azure Monitor's are. */
function markProvisional(points: Datapoint[], intervalMs: number, settledBefore: Date): Datapoint[] {
  return points.map((p) =>
    Date.parse(p.timestamp) + intervalMs > settledBefore.getTime() ? { ...p, provisional: true } : p,
  );
}
