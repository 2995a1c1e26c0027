import type { TokenCredential } from '@azure/identity';
import { openCustomerCredential } from '../auth/open-customer-credential';
import type { CustomerSecret } from '../auth/customer-secret-reader';
import type { CollectDependencies } from '../collect/collect-customer';
import type { CollectMessage } from '../collect/collect-message';
import type { TimeWindow } from '../collect/closed-window';
import type { WindowSnapshot } from '../collect/keep-best-snapshot';
import { readTargetMetrics, type MetricsTarget } from '../collect/read-customer-resources';
import { diagnoseError, type Diagnosis } from '../diagnose/diagnose-error';
import { diagnosisContextFor, type Stage } from '../diagnose/diagnosis-catalogue';
import { mergeResourceTargets } from '../discovery/merge-resource-targets';
import { AppError } from '../errors/app-error';
import type { Datapoint } from '../metrics/datapoint';
import { isFabricCapacity } from '../fabric/fabric-metrics';
import type { CollectedResource } from '../export/to-export-rows';
import { resourceTypeOf } from '../resources/resource-type-of';
import { findProvisionalResources, mergeSettledPoints } from './merge-settled-points';

/** What a settle read did for one customer and window. */
export interface SettleResult {
  readonly customerId: string;
  /**
   * `settled`: provisional points were re-read and stored; `nothingProvisional`: the kept snapshot holds none
   * (already settled, or a duplicate message), no call was made; `skipped`: the customer is gone or disabled;
   * `failed`: a permanent failure (recorded on the run, not retried: the next run's look-back still settles).
   */
  readonly outcome: 'settled' | 'nothingProvisional' | 'skipped' | 'failed';
  /** Resources whose metrics were read again. */
  readonly resources: number;
  readonly datapointsWritten: number;
  /** Points the re-read still had to store provisional (the source was later than its documented delay). */
  readonly stillProvisional: number;
  /** What was read again, per resource (region as the run read it): what the analytics copy re-sends. */
  readonly reread?: readonly CollectedResource[];
  readonly diagnosis?: Diagnosis;
}

/**
 * The settle read: a window collected before its last buckets had settled is read once more after the
 * source's ingestion delay, metrics only. Which resources to re-read and in which region comes from the
 * window's kept snapshot (our own blob, no call into the tenant); the customer's configuration says which
 * metrics. A Fabric capacity's CU series is read again from its own source (the Capacity Metrics model or
 * the pushed events). No Resource Graph query, no ARM state read, no discovery: a settle read costs the metrics calls of
 * the resources that still had provisional points (one batch call per subscription, region and type), plus a
 * token only when the cached one has expired. Points are upserted (idempotent) and merged into the kept
 * snapshot under the keep-best rule. A transient failure throws (the queue retries); a permanent one is
 * returned, as the next scheduled run's look-back re-reads the same buckets anyway.
 */
export async function settleCustomerWindow(message: CollectMessage, deps: CollectDependencies): Promise<SettleResult> {
  const none = { resources: 0, datapointsWritten: 0, stillProvisional: 0 };
  const customer = await deps.registry.find(message.customerId);
  if (!customer || !customer.enabled) return { customerId: message.customerId, outcome: 'skipped', ...none };
  const window: TimeWindow = { start: new Date(message.windowStart), end: new Date(message.windowEnd) };
  let kept: WindowSnapshot | undefined;
  try {
    kept = (await deps.snapshots.read(customer.id, window)) as WindowSnapshot | undefined;
  } catch (error) {
    throw ourStorageFailed(error);
  }
  const provisional = findProvisionalResources(kept);
  if (!kept || provisional.length === 0) return { customerId: customer.id, outcome: 'nothingProvisional', ...none };

  const ids = new Set(provisional.map((r) => r.resourceId.toLowerCase()));
  const location = new Map(provisional.map((r) => [r.resourceId.toLowerCase(), r.location]));
  // Configured targets win; a discovered resource gets its type's metrics, as in the run (mergeResourceTargets).
  const targets = mergeResourceTargets(
    customer.resources.filter((t) => ids.has(t.resourceId.toLowerCase())),
    provisional.map((r) => ({ id: r.resourceId, type: resourceTypeOf(r.resourceId) })),
    customer.discovery?.metrics,
  ).filter((t) => t.metrics.length > 0 && ids.has(t.resourceId.toLowerCase()));
  const needMetrics: MetricsTarget[] = targets.map((target) => ({
    target,
    state: { location: location.get(target.resourceId.toLowerCase()) ?? '' },
  }));

  const context = diagnosisContextFor(customer, deps.settings.keyVaultUrl);
  let secret: CustomerSecret | undefined;
  const diagnose = (error: unknown, stage: Stage, scope?: string) =>
    diagnoseError(error, stage, scope ? { ...context, scope } : context, [secret?.value]);
  const failed = (diagnosis: Diagnosis): SettleResult => {
    if (diagnosis.retryable) throw transientError(customer.id, diagnosis);
    return { customerId: customer.id, outcome: 'failed', ...none, diagnosis };
  };
  let credential: TokenCredential;
  try {
    credential = await openCustomerCredential(customer, deps, (read) => (secret = read));
  } catch (error) {
    return failed(diagnose(error, 'keyVault'));
  }

  // Fabric capacities' CU series come from the Capacity Metrics model or pushed events, not Azure Monitor.
  const fabricIds = customer.fabric ? provisional.map((r) => r.resourceId).filter(isFabricCapacity) : [];
  const reads = new Map<string, Read>(
    [...needMetrics.map((m) => m.target.resourceId), ...fabricIds].map((id) => [id, { datapoints: [] }]),
  );
  try {
    await readTargetMetrics(
      {
        customerId: customer.id,
        clients: deps.armClients.forCredential(credential),
        window,
        metricsAccess: deps.metricsAccess,
        settings: deps.settings,
        now: deps.now(),
        diagnose,
      },
      needMetrics,
      reads,
    );
  } catch (error) {
    throw ourStorageFailed(error); // only our own table (metrics access) can throw here
  }
  if (fabricIds.length > 0) {
    const signal = AbortSignal.timeout(deps.settings.httpTimeoutMs * 4);
    for (const fabric of await deps.fabric.collect(customer, credential, fabricIds, window, signal)) {
      const read = reads.get(fabric.resourceId);
      if (!read) continue;
      read.datapoints.push(...fabric.datapoints);
      if (fabric.error !== undefined) read.diagnosis ??= diagnose(fabric.error, 'fabric', fabric.resourceId);
    }
  }
  const datapoints = [...reads.values()].flatMap((r) => r.datapoints);
  let written: number;
  try {
    written = await deps.metricsTable.write(customer.id, datapoints);
    const reread = new Map([...reads].map(([id, read]) => [id, read.datapoints]));
    await deps.snapshots.writeMerged(customer.id, window, (current) =>
      current ? mergeSettledPoints(current as WindowSnapshot, reread) : { snapshot: current, changed: false },
    );
  } catch (error) {
    throw ourStorageFailed(error);
  }
  const result = {
    customerId: customer.id,
    resources: reads.size,
    datapointsWritten: written,
    stillProvisional: datapoints.filter((p) => p.provisional).length,
    reread: [...reads].map(([resourceId, read]): CollectedResource => {
      const region = location.get(resourceId.toLowerCase());
      return { resourceId, ...(region ? { region } : {}), datapoints: read.datapoints };
    }),
  };
  const firstFailure = [...reads.values()].find((r) => r.diagnosis)?.diagnosis;
  if (firstFailure) {
    if ([...reads.values()].some((r) => r.diagnosis?.retryable)) throw transientError(customer.id, firstFailure);
    return { ...result, outcome: 'failed', diagnosis: firstFailure };
  }
  return { ...result, outcome: 'settled' };
}

type Read = { datapoints: Datapoint[]; diagnosis?: Diagnosis };

function ourStorageFailed(error: unknown): AppError {
  return new AppError({
    kind: 'transient',
    code: 'StorageUnavailable',
    message: `Settle read: our own storage failed: ${error instanceof Error ? error.message : String(error)}`,
  });
}

function transientError(customerId: string, diagnosis: Diagnosis): AppError {
  return new AppError({
    kind: 'transient',
    code: diagnosis.code,
    message: `Transient failure in the settle read of ${customerId} at ${diagnosis.stage}: ${diagnosis.rawMessage}`,
  });
}
