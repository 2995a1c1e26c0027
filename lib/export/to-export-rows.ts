import type { Datapoint } from '../metrics/datapoint';
import { resourceTypeOf } from '../resources/resource-type-of';
import type { HealthRow, MetricRow, RunRow } from './export-tables';

/** A datapoint with what the collector may add to it: dimension values of a split series, and the provisional flag. */
export type ExportableDatapoint = Datapoint & {
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly provisional?: boolean;
};

/** One resource of a run as the export needs it. */
export interface CollectedResource {
  readonly resourceId: string;
  /** ARM type as ARM reported it; derived from the id when absent. */
  readonly type?: string;
  readonly region?: string;
  readonly datapoints: readonly ExportableDatapoint[];
}

/** The export's view of what a collection read per resource (ARM state and datapoints). */
export function toCollectedResources(
  reads: ReadonlyArray<{
    readonly target: { readonly resourceId: string };
    readonly state?: { readonly type: string; readonly location?: string };
    readonly datapoints: readonly ExportableDatapoint[];
  }>,
): CollectedResource[] {
  return reads.map((r) => ({
    resourceId: r.target.resourceId,
    ...(r.state ? { type: r.state.type } : {}),
    ...(r.state?.location ? { region: r.state.location } : {}),
    datapoints: r.datapoints,
  }));
}

/** Which run attempt produced the rows: queries keep the newest row per key, so a retry never double-counts. */
export interface RunAttempt {
  readonly customerId: string;
  readonly runId: string;
  readonly attempt: number;
}

export type RunOutcomeKind = 'succeeded' | 'failed' | 'skipped' | 'retrying';

/** One worker attempt of one customer's part of a run. */
export interface RunOutcome extends RunAttempt {
  readonly trigger: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly outcome: RunOutcomeKind;
  readonly endedAt: string;
  readonly datapointsWritten: number;
  readonly resourcesTotal: number;
  readonly resourcesFailed: number;
  readonly errorStage?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly calls?: number;
  readonly metricsCalls?: number;
  readonly throttledCalls?: number;
  readonly metricsCost?: number;
  readonly health?: {
    readonly state: string;
    readonly mustAct?: string;
    readonly secretExpiry: string;
    readonly secretExpiresOn?: string;
  };
}

/** A change of a customer's health state or secret-expiry level. */
export interface HealthChange {
  readonly customerId: string;
  readonly oldState: string;
  readonly newState: string;
  readonly mustAct?: string;
  readonly reason: string;
  readonly code?: string;
  readonly consecutiveFailures: number;
  readonly secretExpiry: string;
  readonly secretExpiresOn?: string;
  readonly daysToExpiry?: number;
  readonly changedAt: string;
}

/** One `CtcMetrics_CL` row per datapoint; absent aggregates stay absent (null in the table), never zero. */
export function toMetricRows(run: RunAttempt, resource: CollectedResource, exportedAt: string): MetricRow[] {
  const type = (resource.type ?? resourceTypeOf(resource.resourceId)).toLowerCase();
  return resource.datapoints.map((p) => ({
    TimeGenerated: p.timestamp,
    CustomerId: run.customerId,
    ResourceId: resource.resourceId,
    ResourceType: type,
    ...(resource.region ? { Region: resource.region } : {}),
    Metric: p.metric,
    Dimensions: p.dimensions ?? {},
    Interval: p.interval,
    ...(p.unit ? { Unit: p.unit } : {}),
    ...(p.average !== undefined ? { Average: p.average } : {}),
    ...(p.minimum !== undefined ? { Minimum: p.minimum } : {}),
    ...(p.maximum !== undefined ? { Maximum: p.maximum } : {}),
    ...(p.total !== undefined ? { Total: p.total } : {}),
    ...(p.count !== undefined ? { Count: p.count } : {}),
    Provisional: p.provisional ?? false,
    RunId: run.runId,
    Attempt: run.attempt,
    ExportedAt: exportedAt,
  }));
}

/** The `CtcRuns_CL` row of one attempt. */
export function toRunRow(run: RunOutcome, exportedAt: string): RunRow {
  return {
    TimeGenerated: run.endedAt,
    CustomerId: run.customerId,
    Trigger: run.trigger,
    WindowStart: run.windowStart,
    WindowEnd: run.windowEnd,
    Outcome: run.outcome,
    DatapointsWritten: run.datapointsWritten,
    ResourcesTotal: run.resourcesTotal,
    ResourcesFailed: run.resourcesFailed,
    ...(run.errorStage ? { ErrorStage: run.errorStage } : {}),
    ...(run.errorCode ? { ErrorCode: run.errorCode } : {}),
    ...(run.errorMessage ? { ErrorMessage: run.errorMessage } : {}),
    ...(run.calls !== undefined ? { Calls: run.calls } : {}),
    ...(run.metricsCalls !== undefined ? { MetricsCalls: run.metricsCalls } : {}),
    ...(run.throttledCalls !== undefined ? { ThrottledCalls: run.throttledCalls } : {}),
    ...(run.metricsCost !== undefined ? { MetricsCost: run.metricsCost } : {}),
    ...(run.health
      ? {
          HealthState: run.health.state,
          ...(run.health.mustAct ? { MustAct: run.health.mustAct } : {}),
          SecretExpiry: run.health.secretExpiry,
          ...(run.health.secretExpiresOn ? { SecretExpiresOn: run.health.secretExpiresOn } : {}),
        }
      : {}),
    RunId: run.runId,
    Attempt: run.attempt,
    ExportedAt: exportedAt,
  };
}

/** The `CtcHealth_CL` row of one change. */
export function toHealthRow(change: HealthChange, exportedAt: string): HealthRow {
  return {
    TimeGenerated: change.changedAt,
    CustomerId: change.customerId,
    OldState: change.oldState,
    NewState: change.newState,
    ...(change.mustAct ? { MustAct: change.mustAct } : {}),
    Reason: change.reason,
    ...(change.code ? { Code: change.code } : {}),
    ConsecutiveFailures: change.consecutiveFailures,
    SecretExpiry: change.secretExpiry,
    ...(change.secretExpiresOn ? { SecretExpiresOn: change.secretExpiresOn } : {}),
    ...(change.daysToExpiry !== undefined ? { DaysToExpiry: change.daysToExpiry } : {}),
    ExportedAt: exportedAt,
  };
}
