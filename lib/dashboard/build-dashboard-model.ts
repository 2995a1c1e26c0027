import { scheduleIntervalMs } from '../collect/closed-window';
import type { Customer } from '../customers/customer';
import type { CustomerRegistry } from '../customers/customer-registry';
import type { CustomerHealthStore } from '../health/customer-health-store';
import { computeHealthRows, type CustomerHealthRow } from '../health/list-customer-health';
import { resourceTypeOf } from '../resources/resource-type-of';
import type { CustomerStatus, CustomerStatusStore } from '../store/customer-status-store';

/**
 * The order of the list: whoever needs someone to act first, then broken, then degraded, ... healthy, disabled.
 * Within a state, a failed last run first (health forgives it, ops should not miss it), then by id.
 */
export const HEALTH_ORDER = [
  'actionRequired',
  'failing',
  'degraded',
  'stale',
  'unknown',
  'healthy',
  'disabled',
] as const;
export type DashboardHealth = (typeof HEALTH_ORDER)[number];
/** Customers per list page unless the query asks for another size. */
export const DASHBOARD_PAGE_SIZE = 50;
export const MAX_DASHBOARD_PAGE_SIZE = 200;

/** The clock and the schedule health is computed against (stale = no success for two intervals). */
export interface HealthClock {
  readonly now: () => Date;
  readonly config: { readonly collectSchedule: string };
}

/** Where the list reads from: three table queries, none per customer; `Services` satisfies it. */
export interface DashboardSources extends HealthClock {
  readonly registry: Pick<CustomerRegistry, 'list'>;
  readonly statuses: Pick<CustomerStatusStore, 'list'>;
  readonly health: Pick<CustomerHealthStore, 'list'>;
}

/** What a list page shows of one resource: its last-run outcome, from the status row (no history). */
export interface DashboardResourceState {
  readonly resourceId: string;
  readonly name: string;
  readonly type: string;
  readonly state?: string;
  readonly sku?: string;
  /** Absent for a configured resource the last run did not read. */
  readonly ok?: boolean;
  readonly errorCode?: string;
}

/** One customer's facts, as the list and the detail page show them. */
export interface DashboardCustomer {
  readonly id: string;
  readonly displayName: string;
  readonly enabled: boolean;
  readonly authMode: string;
  readonly health: DashboardHealth;
  readonly healthReason: string;
  readonly mustAct?: 'customer' | 'provider';
  readonly lastSuccessAt?: string;
  readonly lastAttemptAt?: string;
  readonly errorCode?: string;
  readonly errorFix?: string;
  readonly errorMessage?: string;
  readonly secretExpiresOn?: string;
  readonly daysToExpiry?: number;
  readonly secretExpiry?: string;
  /** Resources of the last run (configured and discovered), with their state and outcome. */
  readonly resources: readonly DashboardResourceState[];
}

export interface DashboardQuery {
  /** Only customers in this health state. */
  readonly state?: DashboardHealth;
  /** Case-insensitive text in the customer id or display name. */
  readonly q?: string;
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
}

export interface DashboardModel {
  readonly generatedAt: string;
  readonly query: DashboardQuery;
  /** Customers per health state, over the whole fleet (not only the filtered ones). */
  readonly counts: Readonly<Partial<Record<DashboardHealth, number>>>;
  readonly total: number;
  /** Customers that match the filter (all pages). */
  readonly matching: number;
  readonly pageCount: number;
  /** The customers of this page, in HEALTH_ORDER. */
  readonly customers: DashboardCustomer[];
}

/**
 * One list page: the registry, the run statuses and the stored health are read once each (one query page per
 * 1,000 customers), health is computed as `GET /api/health` computes it, then sorted, filtered and paged in
 * memory. No history, no summaries, nothing per customer: a page of 50 costs what a page of 5 costs.
 */
export async function buildDashboardModel(
  sources: DashboardSources,
  query: DashboardQuery = { page: 1, pageSize: DASHBOARD_PAGE_SIZE },
): Promise<DashboardModel> {
  const now = sources.now();
  const [customers, statuses, stored] = await Promise.all([
    sources.registry.list(),
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
  const all = customers
    .map((c) => toDashboardCustomer(c, statusById.get(c.id), healthById.get(c.id)))
    .sort(needsActionFirst);
  const counts: Partial<Record<DashboardHealth, number>> = {};
  for (const c of all) counts[c.health] = (counts[c.health] ?? 0) + 1;
  const text = query.q?.trim().toLowerCase();
  const matching = all.filter(
    (c) =>
      (!query.state || c.health === query.state) &&
      (!text || c.id.includes(text) || c.displayName.toLowerCase().includes(text)),
  );
  const pageCount = Math.max(1, Math.ceil(matching.length / query.pageSize));
  const start = (query.page - 1) * query.pageSize;
  return {
    generatedAt: now.toISOString(),
    query,
    counts,
    total: all.length,
    matching: matching.length,
    pageCount,
    customers: matching.slice(start, start + query.pageSize),
  };
}

/** A customer's facts from its registration, last-run status and health row (shared with the detail page). */
export function toDashboardCustomer(
  customer: Customer,
  status: CustomerStatus | undefined,
  health: CustomerHealthRow | undefined,
): DashboardCustomer {
  return {
    id: customer.id,
    displayName: customer.displayName,
    enabled: customer.enabled,
    authMode: customer.authMode,
    health: customer.enabled ? (health?.state ?? 'unknown') : 'disabled',
    healthReason: health?.reason ?? 'no run yet',
    ...(health?.mustAct ? { mustAct: health.mustAct } : {}),
    ...(status?.lastSuccessAt ? { lastSuccessAt: status.lastSuccessAt } : {}),
    ...(status?.lastAttemptAt ? { lastAttemptAt: status.lastAttemptAt } : {}),
    ...(status?.errorCode ? { errorCode: status.errorCode } : {}),
    ...(status?.errorFix ? { errorFix: status.errorFix } : {}),
    ...(status?.errorMessage ? { errorMessage: status.errorMessage } : {}),
    ...(health?.secretExpiresOn ? { secretExpiresOn: health.secretExpiresOn } : {}),
    ...(health?.daysToExpiry !== undefined ? { daysToExpiry: health.daysToExpiry } : {}),
    ...(health?.secretExpiry ? { secretExpiry: health.secretExpiry } : {}),
    resources: resourcesOf(customer, status),
  };
}

/**
 * The last run's resources (configured and discovered, with state and outcome), then configured ones the
 * last run did not read (none yet, or added since): from rows already read, nothing per customer.
 */
function resourcesOf(customer: Customer, status: CustomerStatus | undefined): DashboardResourceState[] {
  const read = (status?.resources ?? [])
    // A status that outgrew one entity lists a counted line instead of each success: not a resource.
    .filter((r) => r.resourceId.startsWith('/'))
    .map((r) => ({
      ...describeResource(r.resourceId),
      ...(r.state ? { state: r.state } : {}),
      ...(r.sku ? { sku: r.sku } : {}),
      ok: r.ok,
      ...(r.code ? { errorCode: r.code } : {}),
    }));
  const seen = new Set(read.map((r) => r.resourceId.toLowerCase()));
  const notRead = customer.resources
    .filter((r) => !seen.has(r.resourceId.toLowerCase()))
    .map((r) => describeResource(r.resourceId));
  return [...read, ...notRead];
}

function describeResource(resourceId: string): Pick<DashboardResourceState, 'resourceId' | 'name' | 'type'> {
  return { resourceId, name: resourceId.split('/').at(-1) ?? resourceId, type: resourceTypeOf(resourceId) };
}

function needsActionFirst(a: DashboardCustomer, b: DashboardCustomer): number {
  return (
    HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health) ||
    Number(Boolean(b.errorCode)) - Number(Boolean(a.errorCode)) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
