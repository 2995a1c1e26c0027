import { odata, type TableClient } from '@azure/data-tables';
import { fromJsonParts, MAX_JSON_CHARS, toJsonParts } from './json-property-parts';
import { deleteEntityIfExists, findEntity } from './table-entity';

/** Outcome of one resource within a run. */
export interface ResourceOutcome {
  readonly resourceId: string;
  readonly ok: boolean;
  readonly datapoints: number;
  /** ARM state when it was read, e.g. `Active` for a Fabric capacity. */
  readonly state?: string;
  readonly sku?: string;
  readonly code?: string;
  readonly message?: string;
  /** A Fabric capacity's own condition over the window, e.g. `CapacityThrottling: interactive requests rejected (peak 113 %)`. */
  readonly conditions?: readonly string[];
}

/** What the last run of a customer did; never holds a secret. */
export interface CustomerStatus {
  readonly customerId: string;
  readonly lastRunId: string;
  readonly lastWindowStart: string;
  readonly lastWindowEnd: string;
  readonly lastAttemptAt: string;
  readonly lastSuccessAt?: string;
  readonly outcome: 'ok' | 'failed';
  /** Stage that failed: `keyVault`, `token`, `arm`, `metrics`, `storage`. */
  readonly errorStage?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Plain-language fix for the error, when the catalogue knows one. */
  readonly errorFix?: string;
  /** `transient`, `permanent` or `unknown` (see FailureClass): a permanent failure needs someone to act. */
  readonly errorClass?: string;
  /** Who must act on the error: `customer`, `provider` or `nobody`. */
  readonly errorActor?: string;
  readonly datapointsWritten: number;
  readonly consecutiveFailures: number;
  readonly resources: readonly ResourceOutcome[];
  /** URL of the snapshot this run delivered to the customer's own storage (customers with a delivery target). */
  readonly deliveredTo?: string;
  /** How metrics were read: `batch` (metrics:getBatch) or `perResource`. */
  readonly metricsMode?: 'batch' | 'perResource';
  /** Why per resource, e.g. `MetricsBatchUnauthorized` (no reading role at subscription scope). */
  readonly metricsModeReason?: string;
  /** Calls made into the customer's tenant for state and metrics this run. */
  readonly calls?: {
    readonly resourceGraph: number;
    readonly armGets: number;
    readonly metricsBatch: number;
    readonly metricsPerResource: number;
  };
  /** The `cost` Azure reported for this run's metrics reads (Metrics_List answers carry one; batch answers do not). */
  readonly metricsCost?: number;
  /** Resources a retried attempt took from earlier attempts of its run instead of reading them again. */
  readonly resourcesReused?: number;
}

export type CustomerStatusUpdate = Omit<CustomerStatus, 'lastSuccessAt' | 'consecutiveFailures'>;

const PARTITION = 'status';

type StatusEntity = {
  partitionKey: string;
  rowKey: string;
  lastRunId: string;
  lastWindowStart: string;
  lastWindowEnd: string;
  lastAttemptAt: string;
  lastSuccessAt?: string;
  outcome: string;
  errorStage?: string;
  errorCode?: string;
  errorMessage?: string;
  errorFix?: string;
  errorClass?: string;
  errorActor?: string;
  deliveredTo?: string;
  metricsMode?: string;
  metricsModeReason?: string;
  callsJson?: string;
  metricsCost?: number;
  resourcesReused?: number;
  datapointsWritten: number;
  consecutiveFailures: number;
  resourcesJson: string;
};

/** Last-run status per customer, one row each, in Table Storage. */
export class CustomerStatusStore {
  constructor(private readonly table: TableClient) {}

  /**
   * Records the outcome of an attempt. Success resets the failure streak and sets lastSuccessAt;
   * a failure extends the streak. The streak counts windows, not attempts: it grows only when the
   * window changes, so five host retries of one message, or a manual run of the same hour, do not
   * look like five failed hours.
   * `known.previous` is the row as the caller already read it this attempt (absent: none stored); without
   * `known` the row is read here.
   */
  async record(
    update: CustomerStatusUpdate,
    known?: { readonly previous: CustomerStatus | undefined },
  ): Promise<CustomerStatus> {
    const previous = known ? known.previous : await this.find(update.customerId);
    const sameWindow =
      previous?.lastWindowStart === update.lastWindowStart && previous.lastWindowEnd === update.lastWindowEnd;
    const priorStreak = previous
      ? previous.consecutiveFailures - (sameWindow && previous.outcome === 'failed' ? 1 : 0)
      : 0;
    const status: CustomerStatus = {
      ...update,
      ...(update.outcome === 'ok'
        ? { lastSuccessAt: update.lastAttemptAt }
        : previous?.lastSuccessAt
          ? { lastSuccessAt: previous.lastSuccessAt }
          : {}),
      consecutiveFailures: update.outcome === 'ok' ? 0 : priorStreak + 1,
    };
    await this.table.upsertEntity<StatusEntity>(toEntity(status), 'Replace');
    return status;
  }

  async find(customerId: string): Promise<CustomerStatus | undefined> {
    const entity = await findEntity<StatusEntity>(this.table, PARTITION, customerId);
    return entity && fromEntity(entity);
  }

  async list(): Promise<CustomerStatus[]> {
    const statuses: CustomerStatus[] = [];
    const filter = odata`PartitionKey eq ${PARTITION}`;
    for await (const entity of this.table.listEntities<StatusEntity>({ queryOptions: { filter } })) {
      statuses.push(fromEntity(entity));
    }
    return statuses;
  }

  async remove(customerId: string): Promise<void> {
    await deleteEntityIfExists(this.table, PARTITION, customerId);
  }
}

function toEntity(status: CustomerStatus): StatusEntity {
  const { customerId, resources, calls, ...rest } = status;
  return {
    partitionKey: PARTITION,
    rowKey: customerId,
    ...rest,
    ...(calls ? { callsJson: JSON.stringify(calls) } : {}),
    ...splitResources(resources),
  };
}

function fromEntity(entity: StatusEntity): CustomerStatus {
  const optional = <K extends keyof StatusEntity>(key: K) => (entity[key] !== undefined ? { [key]: entity[key] } : {});
  return {
    customerId: entity.rowKey,
    lastRunId: entity.lastRunId,
    lastWindowStart: entity.lastWindowStart,
    lastWindowEnd: entity.lastWindowEnd,
    lastAttemptAt: entity.lastAttemptAt,
    ...optional('lastSuccessAt'),
    outcome: entity.outcome === 'ok' ? 'ok' : 'failed',
    ...optional('errorStage'),
    ...optional('errorCode'),
    ...optional('errorMessage'),
    ...optional('errorFix'),
    ...optional('errorClass'),
    ...optional('errorActor'),
    ...optional('deliveredTo'),
    ...(entity.metricsMode === 'batch' || entity.metricsMode === 'perResource'
      ? { metricsMode: entity.metricsMode }
      : {}),
    ...optional('metricsModeReason'),
    ...(entity.callsJson ? { calls: JSON.parse(entity.callsJson) as NonNullable<CustomerStatus['calls']> } : {}),
    ...(typeof entity.metricsCost === 'number' ? { metricsCost: entity.metricsCost } : {}),
    ...(typeof entity.resourcesReused === 'number' ? { resourcesReused: entity.resourcesReused } : {}),
    datapointsWritten: Number(entity.datapointsWritten),
    consecutiveFailures: Number(entity.consecutiveFailures),
    resources: joinResources(entity),
  };
}

/**
 * Outcomes are spread over `resourcesJson`, `resourcesJson1`, ... (a 1,000-resource customer's do not fit
 * one 64 KiB property). Past what one entity holds, failures are kept (each message cut short) and the
 * successes are counted, not listed: failures are what an operator reads. Fewer failures are listed until
 * the list fits, so a customer with thousands of long failures still gets its status row written (a row
 * that cannot be written is the failure the issue saw: every attempt failing on PropertyValueTooLarge).
 */
function splitResources(resources: readonly ResourceOutcome[]): { resourcesJson: string } {
  let json = JSON.stringify(resources);
  if (json.length > MAX_JSON_CHARS) {
    const ok = resources.filter((r) => r.ok).length;
    const failures = resources
      .filter((r) => !r.ok)
      .map((r) => ({ ...r, ...(r.message ? { message: r.message.slice(0, 200) } : {}) }));
    for (let listed = Math.min(failures.length, 1000); ; listed = Math.floor(listed / 2)) {
      const unlisted = failures.length - listed;
      json = JSON.stringify([
        ...failures.slice(0, listed),
        {
          resourceId: `(${ok} resources collected without error, ${unlisted} more failed)`,
          ok: unlisted === 0,
          datapoints: 0,
        },
      ]);
      if (json.length <= MAX_JSON_CHARS || listed === 0) break;
    }
  }
  return toJsonParts('resourcesJson', json) as { resourcesJson: string };
}

function joinResources(entity: StatusEntity): ResourceOutcome[] {
  return JSON.parse(fromJsonParts(entity, 'resourcesJson') ?? '[]') as ResourceOutcome[];
}
