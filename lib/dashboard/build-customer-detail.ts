import { scheduleIntervalMs } from '../collect/closed-window';
import type { CustomerRegistry } from '../customers/customer-registry';
import { THROTTLING_PERCENT } from '../fabric/assess-capacity-conditions';
import { isFabricCapacity } from '../fabric/fabric-metrics';
import type { CustomerHealthStore } from '../health/customer-health-store';
import { computeHealthRows } from '../health/list-customer-health';
import { describeDimensions } from '../query/rank-top-resources';
import { resourceTypeOf } from '../resources/resource-type-of';
import type { CustomerStatusStore } from '../store/customer-status-store';
import type { RunRecord, RunStore } from '../store/run-store';
import { rollUpHour, SUMMARY_HOURS, type HourRollUp, type PointValues } from '../summary/series-summary';
import type { StoredSummary, SummaryStore } from '../summary/summary-store';
import {
  toDashboardCustomer,
  type DashboardCustomer,
  type DashboardResourceState,
  type HealthClock,
} from './build-dashboard-model';

const HOUR_MS = 3_600_000;
const RECENT_RUNS = 5;
/** A Fabric capacity's throttling shows in these series' interval maxima (interactive delay, rejections). */
const THROTTLING_METRICS = ['InteractiveDelayPercent', 'InteractiveRejectionPercent', 'BackgroundRejectionPercent'];

/** Where the detail page reads from: five reads, whatever the history; `Services` satisfies it. */
export interface CustomerDetailSources extends HealthClock {
  readonly registry: Pick<CustomerRegistry, 'get'>;
  readonly statuses: Pick<CustomerStatusStore, 'find'>;
  readonly health: Pick<CustomerHealthStore, 'find'>;
  readonly runs: Pick<RunStore, 'recent'>;
  readonly summaries: Pick<SummaryStore, 'listCustomer'>;
}

export interface DetailSeries {
  readonly metric: string;
  /** The dimension values of a split series: each split series is its own chart. */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** `BlobCount · Tier=Hot`, or the metric alone. */
  readonly label: string;
  readonly unit?: string;
  readonly interval: string;
  readonly latest?: number;
  readonly latestAt?: string;
  /** The latest point may still change. */
  readonly latestProvisional?: boolean;
  /** One slot per hour of the last 24 hours (the current one last), `null` where no data was collected. */
  readonly day: (number | null)[];
  /** One slot per hour of the last 7 days, `null` where no data was collected. */
  readonly week: (number | null)[];
  /** How many of the drawn hours hold provisional points. */
  readonly provisionalHours: number;
  /** A line to draw across the chart, e.g. 100 for a Fabric capacity's CU % (its limit). */
  readonly referenceLine?: number;
  /** Slots of `day` where the capacity throttled. */
  readonly marks?: number[];
}

/** A resource with its last-run state and every series of it. */
export interface DetailResource extends DashboardResourceState {
  readonly series: DetailSeries[];
}

export interface CustomerDetail {
  readonly generatedAt: string;
  readonly customer: DashboardCustomer;
  readonly resources: DetailResource[];
  readonly recentRuns: RunRecord[];
}

/**
 * One customer's page: registration, status, stored health, recent runs and the customer's series summaries
 * (one partition query), so the cost does not grow with history. Every series of a resource is drawn, each
 * split series on its own under its dimension values; a Fabric capacity shows its CU % with the 100 % line
 * and the hours it throttled marked.
 */
export async function buildCustomerDetail(sources: CustomerDetailSources, customerId: string): Promise<CustomerDetail> {
  const now = sources.now();
  const customer = await sources.registry.get(customerId);
  const [status, stored, recentRuns, summaries] = await Promise.all([
    sources.statuses.find(customerId),
    sources.health.find(customerId),
    sources.runs.recent(customerId, RECENT_RUNS),
    sources.summaries.listCustomer(customerId),
  ]);
  const [health] = computeHealthRows(
    [customer],
    status ? [status] : [],
    stored ? [stored] : [],
    now,
    scheduleIntervalMs(sources.config.collectSchedule, now),
  );
  const facts = toDashboardCustomer(customer, status, health);
  const outcomes = new Map(facts.resources.map((r) => [r.resourceId.toLowerCase(), r]));
  const seriesByResource = new Map<string, StoredSummary[]>();
  for (const s of summaries) {
    const key = s.resourceId.toLowerCase();
    seriesByResource.set(key, [...(seriesByResource.get(key) ?? []), s]);
  }
  // Configured resources in their order, then discovered ones the last run read, then any with data only.
  const ids = new Map<string, string>();
  const candidates = [
    ...customer.resources.map((r) => r.resourceId),
    ...facts.resources.map((r) => r.resourceId),
    ...summaries.map((s) => s.resourceId),
  ];
  for (const id of candidates) if (!ids.has(id.toLowerCase())) ids.set(id.toLowerCase(), id);
  const configured = new Map(customer.resources.map((r) => [r.resourceId.toLowerCase(), r.metrics]));
  const nowHour = Math.floor(now.getTime() / HOUR_MS);
  const resources = [...ids].map(([key, resourceId]): DetailResource => {
    const outcome = outcomes.get(key);
    const fabric = customer.fabric !== undefined && isFabricCapacity(resourceId);
    const series = seriesByResource.get(key) ?? [];
    return {
      resourceId,
      name: resourceId.split('/').at(-1) ?? resourceId,
      type: resourceTypeOf(resourceId),
      ...(outcome?.state ? { state: outcome.state } : {}),
      ...(outcome?.sku ? { sku: outcome.sku } : {}),
      ...(outcome?.ok !== undefined ? { ok: outcome.ok } : {}),
      ...(outcome?.errorCode ? { errorCode: outcome.errorCode } : {}),
      series: fabric
        ? fabricSeries(series, configured.get(key) ?? [], nowHour)
        : orderByMetric(series, configured.get(key) ?? []).map((s) => toDetailSeries(s, nowHour)),
    };
  });
  return { generatedAt: now.toISOString(), customer: facts, resources, recentRuns };
}

/**
 * A Fabric capacity: its CU % (the maximum of each hour: throttling hides in the max) with the limit line and
 * the throttled hours marked, then its configured metrics; the other Capacity Metrics series stay in `/metrics`.
 */
function fabricSeries(
  series: readonly StoredSummary[],
  configured: readonly string[],
  nowHour: number,
): DetailSeries[] {
  const throttled = new Set(
    series
      .filter((s) => THROTTLING_METRICS.includes(s.metric))
      .flatMap((s) => s.hours)
      .filter((h) => {
        const hour = rollUpHour(h);
        return (hour.maximum ?? hour.average ?? 0) >= THROTTLING_PERCENT;
      })
      .map((h) => h.hour),
  );
  const cu = series
    .filter((s) => s.metric === 'CUPercent')
    .map((s) => {
      const drawn = toDetailSeries(s, nowHour, true);
      const marks = drawn.day.flatMap((v, i) => (v !== null && throttled.has(nowHour - 23 + i) ? [i] : []));
      return { ...drawn, referenceLine: 100, marks };
    });
  const rest = orderByMetric(
    series.filter((s) => configured.some((m) => m.toLowerCase() === s.metric.toLowerCase())),
    configured,
  );
  return [...cu, ...rest.map((s) => toDetailSeries(s, nowHour))];
}

function toDetailSeries(summary: StoredSummary, nowHour: number, peak = false): DetailSeries {
  const byHour = new Map(summary.hours.map((h) => [h.hour, rollUpHour(h)]));
  const slots = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const hour = byHour.get(nowHour - count + 1 + i);
      return (hour && valueOf(hour, peak)) ?? null;
    });
  const latest = summary.latest ? valueOf(summary.latest, peak) : undefined;
  const dims = summary.dimensions && Object.keys(summary.dimensions).length > 0 ? summary.dimensions : undefined;
  return {
    metric: summary.metric,
    ...(dims ? { dimensions: dims } : {}),
    label: dims ? `${summary.metric} · ${describeDimensions(dims)}` : summary.metric,
    ...(summary.unit ? { unit: summary.unit } : {}),
    interval: summary.interval,
    ...(latest !== undefined ? { latest, latestAt: summary.latest!.timestamp } : {}),
    ...(summary.latest?.provisional ? { latestProvisional: true } : {}),
    day: slots(24),
    week: slots(SUMMARY_HOURS),
    provisionalHours: [...byHour.values()].filter((h) => h.provisional).length,
  };
}

/** What a chart draws of an hour or a point: the mean (or total, or peak); the peak for CU %. */
function valueOf(values: PointValues | HourRollUp, peak: boolean): number | undefined {
  return peak ? (values.maximum ?? values.average) : (values.average ?? values.total ?? values.maximum);
}

/** Configured metrics in their configured order, then any other, unsplit before split, split by their values. */
function orderByMetric(series: readonly StoredSummary[], configured: readonly string[]): StoredSummary[] {
  const rank = (s: StoredSummary) => {
    const i = configured.findIndex((m) => m.toLowerCase() === s.metric.toLowerCase());
    return i < 0 ? configured.length : i;
  };
  const label = (s: StoredSummary) => `${s.metric}\u0000${s.dimensions ? describeDimensions(s.dimensions) : ''}`;
  return [...series].sort((a, b) => rank(a) - rank(b) || (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
}
