import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { Customer } from '../customers/customer';
import type { CustomerRegistry } from '../customers/customer-registry';
import { isFabricCapacity } from '../fabric/fabric-metrics';
import { THROTTLING_PERCENT } from '../fabric/assess-capacity-conditions';
import { rollUpPoints } from '../query/roll-up-points';
import { resourceTypeOf } from '../resources/resource-type-of';
import type { CustomerStatus, CustomerStatusStore } from '../store/customer-status-store';
import type { MetricsTable } from '../store/metrics-table';
import type { RunRecord, RunStore } from '../store/run-store';
import { scheduleIntervalMs } from '../collect/closed-window';
import type { CustomerHealthStore } from '../health/customer-health-store';
import { computeHealthRows, type CustomerHealthRow } from '../health/list-customer-health';

const DAY_MS = 86_400_000;
const RECENT_RUNS = 5;
const READ_CONCURRENCY = 8;

/** The health record as the health store keeps it (read loosely: only what the page shows). */
/** Where the dashboard reads from; `Services` satisfies it. */
export interface DashboardSources {
  readonly registry: Pick<CustomerRegistry, 'list'>;
  readonly statuses: Pick<CustomerStatusStore, 'list'>;
  readonly runs: Pick<RunStore, 'recent'>;
  readonly metricsTable: Pick<MetricsTable, 'query'>;
  readonly now: () => Date;
  /** Adds discovered resources to a customer's configured ones, when the deployment discovers any. */
  readonly discovery?: { withKnownResources(customer: Customer): Promise<Customer> };
  /** Per-customer health (state machine and secret expiry). */
  readonly health: Pick<CustomerHealthStore, 'list'>;
  readonly config: { readonly collectSchedule: string };
}

export interface DashboardSeries {
  readonly metric: string;
  readonly unit?: string;
  /** Averages (or totals) over the last 24 h at the stored grain. */
  readonly day: number[];
  /** Hourly averages over the last 7 days. */
  readonly week: number[];
  readonly latest?: number;
  /** A line to draw across the chart, e.g. 100 for a Fabric capacity's CU % (its limit). */
  readonly referenceLine?: number;
  /** Indexes into `day` where the capacity throttled (interactive delay or a rejection at or past 100 %). */
  readonly marks?: number[];
}

export interface DashboardResource {
  readonly resourceId: string;
  readonly name: string;
  readonly type: string;
  readonly state?: string;
  readonly sku?: string;
  readonly ok?: boolean;
  readonly errorCode?: string;
  readonly series: DashboardSeries[];
}

export interface DashboardCustomer {
  readonly id: string;
  readonly displayName: string;
  readonly enabled: boolean;
  readonly authMode: string;
  /** healthy | actionRequired | degraded | failing | stale | unknown | disabled. */
  readonly health: string;
  readonly healthReason: string;
  readonly lastSuccessAt?: string;
  readonly lastAttemptAt?: string;
  readonly errorCode?: string;
  readonly errorFix?: string;
  readonly errorMessage?: string;
  readonly secretExpiresOn?: string;
  readonly daysToExpiry?: number;
  readonly secretExpiry?: string;
  readonly resources: DashboardResource[];
  readonly recentRuns: RunRecord[];
}

export interface DashboardModel {
  readonly generatedAt: string;
  readonly customers: DashboardCustomer[];
}

/** Everything the dashboard shows, read once per request: registry, status, health, runs, 24 h and 7 d series. */
export async function buildDashboardModel(sources: DashboardSources): Promise<DashboardModel> {
  const now = sources.now();
  const [customers, statuses, stored] = await Promise.all([
    sources.registry
      .list()
      .then((list) =>
        sources.discovery ? Promise.all(list.map((c) => sources.discovery!.withKnownResources(c))) : list,
      ),
    sources.statuses.list(),
    sources.health.list(),
  ]);
  const statusById = new Map(statuses.map((s) => [s.customerId, s]));
  // The same computation as GET /api/health, so the page and `ctc health` never disagree.
  const health = computeHealthRows(
    customers,
    statuses,
    stored,
    now,
    scheduleIntervalMs(sources.config.collectSchedule, now),
  );
  const healthById = new Map(health.map((h) => [h.customerId, h]));
  const tiles = await mapWithConcurrency(customers, READ_CONCURRENCY, (customer) =>
    buildCustomer(customer, statusById.get(customer.id), healthById.get(customer.id), sources, now),
  );
  return {
    generatedAt: now.toISOString(),
    customers: tiles.map((t) => {
      if (t.status === 'rejected') throw t.reason;
      return t.value;
    }),
  };
}

async function buildCustomer(
  customer: Customer,
  status: CustomerStatus | undefined,
  health: CustomerHealthRow | undefined,
  sources: DashboardSources,
  now: Date,
): Promise<DashboardCustomer> {
  const outcomes = new Map((status?.resources ?? []).map((r) => [r.resourceId.toLowerCase(), r]));
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
  const dayAgo = now.getTime() - DAY_MS;
  const resources = await Promise.all(
    customer.resources.map(async (target): Promise<DashboardResource> => {
      const outcome = outcomes.get(target.resourceId.toLowerCase());
      const fabric = customer.fabric !== undefined && isFabricCapacity(target.resourceId);
      const throttled = fabric
        ? await throttledTimestamps(sources, customer.id, target.resourceId, weekAgo, now)
        : undefined;
      const series = await Promise.all(
        // A Fabric capacity shows its CU % (the maximum of each interval: throttling hides in the max).
        [...(fabric ? ['CUPercent'] : []), ...target.metrics].map(async (metric): Promise<DashboardSeries> => {
          const points = await sources.metricsTable.query({
            customerId: customer.id,
            resourceId: target.resourceId,
            metric,
            from: weekAgo,
            to: now,
          });
          const cu = fabric && metric === 'CUPercent';
          const value = (p: { average?: number; total?: number; maximum?: number }) =>
            cu ? (p.maximum ?? p.average) : (p.average ?? p.total ?? p.maximum);
          const dayPoints = points.filter((p) => Date.parse(p.timestamp) >= dayAgo && isNumber(value(p)));
          const day = dayPoints.map(value).filter(isNumber);
          const marks = cu ? dayPoints.flatMap((p, i) => (throttled?.has(p.timestamp) ? [i] : [])) : [];
          const week = rollUpPoints(points, 'PT1H').map(value).filter(isNumber);
          const unit = points[0]?.unit;
          const latest = day.at(-1) ?? week.at(-1);
          return {
            metric,
            ...(unit ? { unit } : {}),
            day,
            week,
            ...(latest !== undefined ? { latest } : {}),
            ...(cu ? { referenceLine: 100, marks } : {}),
          };
        }),
      );
      return {
        resourceId: target.resourceId,
        name: target.resourceId.split('/').at(-1) ?? target.resourceId,
        type: resourceTypeOf(target.resourceId),
        ...(outcome?.state ? { state: outcome.state } : {}),
        ...(outcome?.sku ? { sku: outcome.sku } : {}),
        ...(outcome ? { ok: outcome.ok } : {}),
        ...(outcome?.code ? { errorCode: outcome.code } : {}),
        series,
      };
    }),
  );
  return {
    id: customer.id,
    displayName: customer.displayName,
    enabled: customer.enabled,
    authMode: customer.authMode,
    health: customer.enabled ? (health?.state ?? 'unknown') : 'disabled',
    healthReason: health?.reason ?? 'no run yet',
    ...(status?.lastSuccessAt ? { lastSuccessAt: status.lastSuccessAt } : {}),
    ...(status?.lastAttemptAt ? { lastAttemptAt: status.lastAttemptAt } : {}),
    ...(status?.errorCode ? { errorCode: status.errorCode } : {}),
    ...(status?.errorFix ? { errorFix: status.errorFix } : {}),
    ...(status?.errorMessage ? { errorMessage: status.errorMessage } : {}),
    ...(health?.secretExpiresOn ? { secretExpiresOn: health.secretExpiresOn } : {}),
    ...(health?.daysToExpiry !== undefined ? { daysToExpiry: health.daysToExpiry } : {}),
    ...(health?.secretExpiry ? { secretExpiry: health.secretExpiry } : {}),
    resources,
    recentRuns: await sources.runs.recent(customer.id, RECENT_RUNS),
  };
}

function isNumber(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v);
}

/** Timestamps of a Fabric capacity's intervals where it throttled (delay or a rejection at or past 100 %). */
async function throttledTimestamps(
  sources: DashboardSources,
  customerId: string,
  resourceId: string,
  from: Date,
  to: Date,
): Promise<Set<string>> {
  const stages = ['InteractiveDelayPercent', 'InteractiveRejectionPercent', 'BackgroundRejectionPercent'];
  const series = await Promise.all(
    stages.map((metric) => sources.metricsTable.query({ customerId, resourceId, metric, from, to })),
  );
  return new Set(
    series.flat().flatMap((p) => ((p.maximum ?? p.average ?? 0) >= THROTTLING_PERCENT ? [p.timestamp] : [])),
  );
}
