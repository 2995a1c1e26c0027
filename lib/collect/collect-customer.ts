import type { TokenCredential } from '@azure/identity';
import { openCustomerCredential } from '../auth/open-customer-credential';
import type { CustomerCredentials } from '../auth/customer-credentials';
import type { CustomerSecret, CustomerSecretReader } from '../auth/customer-secret-reader';
import { acquireCustomerToken } from '../auth/acquire-customer-token';
import type { Customer, ResourceTarget } from '../customers/customer';
import type { CustomerRegistry } from '../customers/customer-registry';
import { diagnoseError, type Diagnosis } from '../diagnose/diagnose-error';
import { mergeResourceTargets } from '../discovery/merge-resource-targets';
import type { ResourceDiscovery } from '../discovery/resource-discovery';
import { diagnosisContextFor, type DiagnosisContext, type Stage } from '../diagnose/diagnosis-catalogue';
import { AppError } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import type { MetricSourceId, MetricSourceTiming } from '../config/metric-sources';
import type { ArmClientFactory } from '../resources/arm-clients';
import type {
  CustomerStatus,
  CustomerStatusStore,
  CustomerStatusUpdate,
  ResourceOutcome,
} from '../store/customer-status-store';
import type { MetricsAccessStore } from '../metrics/metrics-access-store';
import { readCustomerResources, type CustomerReads, type ResourceRead } from './read-customer-resources';
import type { MetricsTable } from '../store/metrics-table';
import type { SummaryStore } from '../summary/summary-store';
import { isSettledPoint } from '../summary/settled-points';
import type { SnapshotStore } from '../store/snapshot-store';
import { keepBestSnapshot, type WindowSnapshot } from './keep-best-snapshot';
import type { TimeWindow } from './closed-window';
import type { CollectMessage } from './collect-message';
import type { DeliveryOutcome, SnapshotDelivery } from '../delivery/snapshot-delivery';
import type { FabricCollector } from '../fabric/collect-fabric-capacities';
import { assessCapacityConditions } from '../fabric/assess-capacity-conditions';
import type { LogsExport } from '../export/logs-export';
import { toCollectedResources } from '../export/to-export-rows';
import { planRetryReads, readKeyOf, type RetryReads } from './plan-retry-reads';
import { describeError } from '../logging/describe-error';

export interface CollectDependencies {
  readonly registry: CustomerRegistry;
  readonly secrets: CustomerSecretReader;
  readonly credentials: CustomerCredentials;
  readonly armClients: ArmClientFactory;
  readonly metricsTable: MetricsTable;
  /** Latest point and hourly roll-ups per series, merged after every write: what the fleet views read. */
  readonly summaries: SummaryStore;
  readonly snapshots: SnapshotStore;
  readonly statuses: CustomerStatusStore;
  /** Resources found through Azure Resource Graph for customers with discovery settings. */
  readonly discovery: ResourceDiscovery;
  /** Copies snapshots into customers' own storage (customers with a delivery target). */
  readonly delivery: SnapshotDelivery;
  /** CU utilization of Fabric capacities (customers with `fabric` settings): one more source per resource. */
  readonly fabric: FabricCollector;
  /** The analytics export to Log Analytics, when the deployment has one. */
  readonly analytics?: Pick<LogsExport, 'exportCollection'>;
  /** Per customer: whether the metrics batch API works for its principal (remembered, re-probed). */
  readonly metricsAccess: MetricsAccessStore;
  readonly settings: {
    readonly authorityHost: string;
    readonly armScope: string;
    readonly keyVaultUrl: string;
    readonly httpTimeoutMs: number;
    readonly customerConcurrency: number;
    /** Look-back and ingestion delay per metric source. */
    readonly metricSources: Readonly<Record<MetricSourceId, MetricSourceTiming>>;
    readonly armEndpoint: string;
    readonly metricsMode: 'auto' | 'perResource';
    readonly metricsBatchReprobeHours: number;
  };
  readonly now: () => Date;
}

export interface CollectResult {
  readonly customerId: string;
  readonly outcome: 'ok' | 'failed' | 'skipped';
  /**
   * Datapoints the window now holds from this run: written by this attempt, plus (on a retry) those an
   * earlier attempt stored for the resources this one reused.
   */
  readonly datapointsWritten: number;
  /** Resources a retried attempt took from earlier attempts of its run instead of reading them again. */
  readonly resourcesReused?: number;
  /** The first failure that explains the outcome (the stage before resources, or the first resource's). */
  readonly diagnosis?: Diagnosis;
  readonly resources: readonly ResourceOutcome[];
  /** The copy in the customer's own storage, when the customer has a delivery target. */
  readonly delivery?: DeliveryOutcome;
  /** The status row this attempt recorded: the health update that follows uses it rather than reading it back. */
  readonly status?: CustomerStatus;
  /** Datapoints stored provisional (read before their source's ingestion delay passed): a settle read can finish them. */
  readonly provisionalDatapoints?: number;
}

/**
 * Collects one customer for one window: Key Vault secret → token in the customer's tenant → ARM state
 * and metrics per resource → table, blob and status. Permanent customer failures are recorded and
 * returned; transient ones are recorded and thrown (retryable AppError) so the queue host retries.
 * Writes are idempotent: the same message twice leaves identical rows and the same snapshot blob.
 * `registered` is the customer as the caller already read it from the registry (the queue worker reads it
 * once per message); without it the registry is read here.
 */
export async function collectCustomer(
  message: CollectMessage,
  deps: CollectDependencies,
  log: Logger,
  attemptNumber = 1,
  registered?: { readonly customer: Customer | undefined },
): Promise<CollectResult> {
  const window: TimeWindow = { start: new Date(message.windowStart), end: new Date(message.windowEnd) };
  const customer = registered ? registered.customer : await deps.registry.find(message.customerId);
  if (!customer || !customer.enabled) {
    const reason = customer ? 'CustomerDisabled' : 'CustomerNotFound';
    log.warn(`Skipping ${message.customerId}: ${reason}`, {
      customerId: message.customerId,
      runId: message.runId,
      code: reason,
    });
    return { customerId: message.customerId, outcome: 'skipped', datapointsWritten: 0, resources: [] };
  }
  const context = diagnosisContextFor(customer, deps.settings.keyVaultUrl);
  // The customer's status row, read once per attempt and early (beside the secret): the failure streak builds
  // on it, and a customer without one was never collected, so it has no stored history for a first summary.
  // A read failure surfaces where the row is awaited; the no-op handler only keeps an early exit (ours throwing
  // before any status write) from leaving a rejected promise unhandled.
  const previousStatus = deps.statuses.find(customer.id);
  previousStatus.catch(() => undefined);
  const recordStatus = async (update: CustomerStatusUpdate) =>
    deps.statuses.record(update, { previous: await previousStatus });
  // What every status record of this attempt carries, success or failure.
  const attempt = {
    customerId: customer.id,
    lastRunId: message.runId,
    lastWindowStart: message.windowStart,
    lastWindowEnd: message.windowEnd,
    lastAttemptAt: deps.now().toISOString(),
  };
  const recordFailure = async (
    diagnosis: Diagnosis,
    resources: readonly ResourceOutcome[],
    written: number,
    facts: Partial<
      Pick<CustomerStatusUpdate, 'metricsMode' | 'metricsModeReason' | 'calls' | 'metricsCost' | 'resourcesReused'>
    > = {},
  ): Promise<CustomerStatus> => {
    const status = await recordStatus({
      ...attempt,
      ...facts,
      outcome: 'failed',
      errorStage: diagnosis.stage,
      errorCode: diagnosis.code,
      errorMessage: diagnosis.cause,
      errorFix: diagnosis.fix,
      errorClass: diagnosis.failureClass,
      errorActor: diagnosis.who,
      datapointsWritten: written,
      resources,
    });
    log.warn(`Collection failed for ${customer.id}: ${diagnosis.code} at ${diagnosis.stage}`, {
      customerId: customer.id,
      runId: message.runId,
      code: diagnosis.code,
      stage: diagnosis.stage,
      retryable: diagnosis.retryable,
    });
    return status;
  };

  const failBeforeResources = async (diagnosis: Diagnosis): Promise<CollectResult> => {
    const status = await recordFailure(diagnosis, [], 0);
    if (diagnosis.retryable) throw transientError(customer.id, diagnosis);
    return { customerId: customer.id, outcome: 'failed', datapointsWritten: 0, diagnosis, resources: [], status };
  };

  // Stage 1 and 2: the secret, then a token in the customer's tenant. Without them nothing else can work.
  let secret: CustomerSecret | undefined;
  // Every diagnosis of this run redacts the customer's secret, whatever the service echoed.
  const diagnose = (error: unknown, stage: Stage) => diagnoseError(error, stage, context, [secret?.value]);
  let credential: TokenCredential;
  try {
    credential = await openCustomerCredential(customer, deps, (read) => (secret = read));
  } catch (error) {
    return failBeforeResources(diagnose(error, 'keyVault'));
  }
  try {
    const { armScope, authorityHost, httpTimeoutMs } = deps.settings;
    await acquireCustomerToken(credential, customer.tenantId, armScope, authorityHost, httpTimeoutMs);
  } catch (error) {
    return failBeforeResources(diagnose(error, 'token'));
  }

  // Stage 3: every resource, bounded in parallel; one resource's failure does not hide another's data.
  const clients = deps.armClients.forCredential(credential);
  // Discovered resources (Resource Graph, cached per customer) join the configured ones. A failed query
  // keeps the last known list and is reported like a failed resource; the cache table failing is ours.
  let discovered: Awaited<ReturnType<ResourceDiscovery['discover']>>;
  try {
    const signal = AbortSignal.timeout(deps.settings.httpTimeoutMs);
    discovered = await deps.discovery.discover(customer, clients.resources, log, signal);
  } catch (error) {
    throw ourStorageFailed(diagnose(error, 'storage'));
  }
  const discoveryFailure = discovered.error === undefined ? undefined : diagnose(discovered.error, 'arm');
  const targets = mergeResourceTargets(customer.resources, discovered.resources, customer.discovery?.metrics);
  // A retried attempt reads only what earlier attempts of this run did not read for good.
  const retry = await planRetry(message, customer.id, window, targets, attemptNumber, deps, log);
  let customerReads: CustomerReads;
  try {
    customerReads = await readCustomerResources({
      customerId: customer.id,
      clients,
      targets: retry.toRead,
      window,
      metricsAccess: deps.metricsAccess,
      settings: deps.settings,
      now: deps.now(),
      diagnose: (error, stage, resourceId) =>
        diagnoseError(error, stage, { ...context, scope: resourceId }, [secret?.value]),
    });
  } catch (error) {
    throw ourStorageFailed(diagnose(error, 'storage')); // only our own table (metrics access) can throw here
  }
  const fresh = await addFabricUtilization(customerReads.reads, customer, credential, window, deps, (error, ids) =>
    diagnoseError(error, 'fabric', { ...context, ...ids }, [secret?.value]),
  );
  const reads = inTargetOrder(targets, [...fresh, ...retry.reused]);
  const reusedPoints = retry.reused.reduce((sum, r) => sum + r.datapoints.length, 0);
  const readFacts = {
    metricsMode: customerReads.metricsAccess.mode,
    ...(customerReads.metricsAccess.reasonCode ? { metricsModeReason: customerReads.metricsAccess.reasonCode } : {}),
    calls: customerReads.calls,
    ...(customerReads.metricsCost > 0 ? { metricsCost: customerReads.metricsCost } : {}),
    ...(retry.reused.length > 0 ? { resourcesReused: retry.reused.length } : {}),
  };
  // Reused resources' datapoints are in the table already: the snapshot is merged only after the table write.
  const datapoints = fresh.flatMap((r) => r.datapoints);
  // Provisional points of reused resources still await their settle read, as those of fresh ones do.
  const provisional = reads.reduce((n, r) => n + r.datapoints.filter((p) => p.provisional).length, 0);
  const outcomes = reads.map(toOutcome);

  // Stage 4: store what was read, even when some resources failed.
  let written: number;
  const snapshot = buildSnapshot(customer, message, reads, new Date(attempt.lastAttemptAt));
  let stored: { name: string; body: string };
  try {
    // The summaries are read first: a point whose minute they already count as settled (every run's look-back
    // re-reads the previous window's last minutes) is stored as it was read before, settled values being final,
    // so its row is not rewritten: fewer entity writes in Azure, and in Azurite replacing a row costs a remove
    // and an insert that grow with the table. It still counts as written. The merge below reuses this read.
    // (Nothing read: nothing to store or merge, no request.)
    const summaries = datapoints.length > 0 ? await deps.summaries.load(customer.id) : undefined;
    const unsettled = summaries ? datapoints.filter((point) => !isSettledPoint(summaries, point)) : datapoints;
    const kept = datapoints.length - unsettled.length;
    written = (await deps.metricsTable.write(customer.id, unsettled)) + kept + reusedPoints;
    // Reused datapoints were summarized by the attempt that wrote them. A customer never collected before (no
    // status row) has no history to build a first summary from: skipping that range query matters because it
    // is the one per-customer query over the metrics table (cheap by key in Azure, a scan of every row in Azurite).
    const storedHistory = (await previousStatus) !== undefined;
    await deps.summaries.record(customer.id, datapoints, {
      storedHistory,
      ...(summaries ? { loaded: summaries } : {}),
    });
    // A later attempt never replaces a reading with one that holds less (see keepBestSnapshot).
    stored = await deps.snapshots.writeMerged(
      customer.id,
      window,
      (kept) => keepBestSnapshot(kept as WindowSnapshot | undefined, snapshot),
      { likelyNew: attemptNumber <= 1 && message.trigger === 'schedule' },
    );
  } catch (error) {
    throw ourStorageFailed(diagnose(error, 'storage'));
  }
  // Stage 4b (optional): the analytics copy. It never throws; a failure is marked and sent next run.
  const run = { customerId: customer.id, runId: message.runId, attempt: attemptNumber };
  await deps.analytics?.exportCollection({ ...run, resources: toCollectedResources(fresh) }, log);

  // Stage 5: the customer's own copy, with the customer's credential. It comes after our own writes, so a
  // failure here (missing role, wrong tenant) loses nothing: it is recorded and explained like any other.
  const delivery = customer.delivery
    ? await deps.delivery.deliver(
        { target: customer.delivery, credential, context, knownSecrets: [secret?.value] },
        stored.name,
        stored.body,
      )
    : undefined;
  const deliveryFailure = delivery && !delivery.ok ? delivery.diagnosis : undefined;
  const delivered = {
    ...(delivery ? { delivery } : {}),
    ...(retry.reused.length > 0 ? { resourcesReused: retry.reused.length } : {}),
  };

  const firstFailure = discoveryFailure ?? reads.find((r) => r.diagnosis)?.diagnosis ?? deliveryFailure;
  if (firstFailure) {
    const status = await recordFailure(firstFailure, outcomes, written, readFacts);
    if (discoveryFailure?.retryable || reads.some((r) => r.diagnosis?.retryable) || deliveryFailure?.retryable)
      throw transientError(customer.id, firstFailure);
    return {
      customerId: customer.id,
      outcome: 'failed',
      datapointsWritten: written,
      diagnosis: firstFailure,
      resources: outcomes,
      provisionalDatapoints: provisional,
      ...delivered,
      status,
    };
  }
  const status = await recordStatus({
    ...attempt,
    outcome: 'ok',
    datapointsWritten: written,
    resources: outcomes,
    ...readFacts,
    ...(delivery?.ok ? { deliveredTo: delivery.blobUrl } : {}),
  });
  log.info(`Collected ${customer.id}: ${written} datapoints from ${reads.length} resources`, {
    customerId: customer.id,
    runId: message.runId,
    datapoints: written,
    ...(retry.reused.length > 0 ? { resourcesReused: retry.reused.length } : {}),
  });
  return {
    customerId: customer.id,
    outcome: 'ok',
    datapointsWritten: written,
    resources: outcomes,
    provisionalDatapoints: provisional,
    ...delivered,
    status,
  };
}

/**
 * Fabric capacities' CU series (Capacity Metrics model or pushed events) join the capacity's own read:
 * same resource, more datapoints; a Fabric failure is that resource's diagnosis unless ARM already failed.
 */
async function addFabricUtilization(
  reads: ResourceRead[],
  customer: Customer,
  credential: TokenCredential,
  window: TimeWindow,
  deps: CollectDependencies,
  diagnoseFabric: (error: unknown, ids: DiagnosisContext) => Diagnosis,
): Promise<ResourceRead[]> {
  if (!customer.fabric) return reads;
  const signal = AbortSignal.timeout(deps.settings.httpTimeoutMs * 4);
  const ids = reads.filter((r) => !r.diagnosis).map((r) => r.target.resourceId);
  const fabricReads = await deps.fabric.collect(customer, credential, ids, window, signal);
  return reads.map((read) => {
    const fabric = fabricReads.find((f) => f.resourceId === read.target.resourceId);
    if (!fabric) return read;
    const inWindow = fabric.datapoints.filter((p) => Date.parse(p.timestamp) >= window.start.getTime());
    const conditions = assessCapacityConditions(inWindow, read.state?.state, customer.fabric?.highCuPercent ?? 90);
    return {
      ...read,
      datapoints: [...read.datapoints, ...fabric.datapoints],
      ...(conditions.length > 0 ? { conditions: conditions.map((c) => `${c.code}: ${c.message}`) } : {}),
      ...(fabric.error !== undefined && !read.diagnosis
        ? {
            diagnosis: diagnoseFabric(fabric.error, {
              ...fabric.ids,
              scope: fabric.resourceId,
              capacityName: fabric.resourceId.split('/').pop() as string,
            }),
          }
        : {}),
    };
  });
}

function toOutcome(read: ResourceRead): ResourceOutcome {
  return {
    resourceId: read.target.resourceId,
    ok: !read.diagnosis,
    datapoints: read.datapoints.length,
    ...(read.state?.state ? { state: read.state.state } : {}),
    ...(read.state?.sku ? { sku: read.state.sku } : {}),
    ...(read.diagnosis ? { code: read.diagnosis.code, message: read.diagnosis.cause } : {}),
    ...(read.conditions ? { conditions: read.conditions } : {}),
  };
}

/**
 * How long after its window a state read still counts as the state at the window's close: one window's length.
 * ARM and Resource Graph answer only the current state, so a later read (a backfill, a re-collection days
 * after) is labelled, never presented as the state during the window.
 */
function isLateStateRead(message: CollectMessage, readAt: Date): boolean {
  const end = Date.parse(message.windowEnd);
  return readAt.getTime() - end > end - Date.parse(message.windowStart);
}

/**
 * The raw snapshot: deterministic for a given message, source data and read time. Each resource's state says
 * when it was read (`stateReadAt`), and `stateReadLate` when that was more than a window after the window.
 */
function buildSnapshot(
  customer: Customer,
  message: CollectMessage,
  reads: readonly ResourceRead[],
  readAt: Date,
): WindowSnapshot {
  const late = isLateStateRead(message, readAt);
  return {
    schema: 1,
    customerId: customer.id,
    tenantId: customer.tenantId,
    runId: message.runId,
    window: { start: message.windowStart, end: message.windowEnd },
    resources: reads.map((r) => ({
      resourceId: r.target.resourceId,
      runId: message.runId,
      state: r.state ?? null,
      // A reused reading keeps when its state was read (by the earlier attempt).
      ...(r.state
        ? r.reused && r.stateReadAt
          ? { stateReadAt: r.stateReadAt, ...(r.stateReadLate ? { stateReadLate: true } : {}) }
          : { stateReadAt: readAt.toISOString(), ...(late ? { stateReadLate: true } : {}) }
        : {}),
      resource: r.rawResource ?? null,
      datapoints: r.datapoints,
      error: r.diagnosis ? { stage: r.diagnosis.stage, code: r.diagnosis.code, message: r.diagnosis.rawMessage } : null,
      // What was asked of Azure, so a retry can tell whether this reading answers its own question.
      readKey: readKeyOf(r.target),
      ...(r.conditions ? { conditions: r.conditions } : {}),
    })),
  };
}

/**
 * Attempt 1 reads everything. A later attempt (the host redelivered the message after a transient failure)
 * takes from the window's snapshot what earlier attempts of this run read for good (see planRetryReads).
 * Progress only saves calls: if the snapshot cannot be read, everything is read again.
 */
async function planRetry(
  message: CollectMessage,
  customerId: string,
  window: TimeWindow,
  targets: readonly ResourceTarget[],
  attemptNumber: number,
  deps: CollectDependencies,
  log: Logger,
): Promise<RetryReads> {
  if (attemptNumber <= 1) return { reused: [], toRead: [...targets] };
  try {
    const settledBefore = new Date(deps.now().getTime() - deps.settings.metricSources.azureMonitor.ingestionDelayMs);
    const plan = planRetryReads(await deps.snapshots.read(customerId, window), message.runId, targets, settledBefore);
    log.info(
      `Attempt ${attemptNumber} of ${customerId}: ${plan.reused.length} resources read for good before, ${plan.toRead.length} to read`,
      {
        customerId,
        runId: message.runId,
        resourcesReused: plan.reused.length,
        resourcesToRead: plan.toRead.length,
      },
    );
    return plan;
  } catch (error) {
    log.warn(`Could not read the window's progress, reading every resource: ${describeError(error)}`, {
      customerId,
      runId: message.runId,
      code: 'RetryProgressUnread',
    });
    return { reused: [], toRead: [...targets] };
  }
}

/** Reads in the order of the targets (the snapshot and status list resources as configured). */
function inTargetOrder(targets: readonly ResourceTarget[], reads: readonly ResourceRead[]): ResourceRead[] {
  const byId = new Map(reads.map((r) => [r.target.resourceId, r]));
  return targets.map((t) => byId.get(t.resourceId)).filter((r): r is ResourceRead => r !== undefined);
}

/**
 * Our own storage failing is never the customer's fault: always let the host retry. The original
 * error is not attached as `cause`: the redacted message is all that may travel on.
 */
function ourStorageFailed(diagnosis: Diagnosis): AppError {
  return new AppError({ kind: 'transient', code: diagnosis.code, message: diagnosis.rawMessage });
}

function transientError(customerId: string, diagnosis: Diagnosis): AppError {
  return new AppError({
    kind: 'transient',
    code: diagnosis.code,
    message: `Transient failure collecting ${customerId} at ${diagnosis.stage}: ${diagnosis.rawMessage}`,
  });
}
