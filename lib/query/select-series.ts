import type { Customer } from '../customers/customer';
import { AppError } from '../errors/app-error';
import { FABRIC_METRICS, isFabricCapacity } from '../fabric/fabric-metrics';

export interface SeriesSelector {
  /** Full ARM resource IDs or resource names (the ID's last segment); none: every configured resource. */
  readonly resources?: readonly string[];
  /** Metric names; none: every configured metric. */
  readonly metrics?: readonly string[];
}

export interface SelectedSeries {
  readonly resourceId: string;
  readonly metric: string;
  /** The interval the series is collected at. */
  readonly interval: string;
}

/**
 * The series a query reads, from the customer's configuration (so storage is never scanned).
 * Matching is case-insensitive, as ARM IDs and metric names are. A full resource ID or a metric the
 * customer does not collect is a 404 that says which, not an empty answer; an unknown bare name is a 400.
 */
export function selectSeries(customer: Customer, selector: SeriesSelector): SelectedSeries[] {
  const resources = selector.resources ?? [];
  const metrics = (selector.metrics ?? []).map((m) => m.toLowerCase());
  for (const wanted of resources) {
    if (!customer.resources.some((r) => matchesResource(r.resourceId, wanted))) {
      // A bare name only means something within the customer's configuration: an unknown one is a bad request.
      if (!wanted.startsWith('/')) {
        throw new AppError({
          kind: 'validation',
          code: 'InvalidRequest',
          message: `resource "${wanted}" is neither a full ARM resource ID nor the name of one of ${customer.id}'s resources`,
        });
      }
      throw new AppError({
        kind: 'notFound',
        code: 'ResourceNotConfigured',
        message: `Customer ${customer.id} has no resource "${wanted}"`,
      });
    }
  }
  const targets = customer.resources.filter(
    (r) => resources.length === 0 || resources.some((wanted) => matchesResource(r.resourceId, wanted)),
  );
  const selected = targets.flatMap((t) =>
    seriesOf(customer, t)
      .filter((s) => metrics.length === 0 || metrics.includes(s.metric.toLowerCase()))
      .map((s) => ({ resourceId: t.resourceId, ...s })),
  );
  for (const metric of selector.metrics ?? []) {
    if (!selected.some((s) => s.metric.toLowerCase() === metric.toLowerCase())) {
      throw new AppError({
        kind: 'notFound',
        code: 'MetricNotConfigured',
        message: `No selected resource of ${customer.id} collects metric "${metric}"`,
      });
    }
  }
  return selected;
}

/** A resource's series: its Azure Monitor metrics, plus CU utilization for a Fabric capacity of a customer with `fabric` set. */
function seriesOf(customer: Customer, target: Customer['resources'][number]): { metric: string; interval: string }[] {
  const own = target.metrics.map((metric) => ({ metric, interval: target.interval }));
  if (!customer.fabric || !isFabricCapacity(target.resourceId)) return own;
  return [...own, ...FABRIC_METRICS.map((metric) => ({ metric, interval: customer.fabric?.interval ?? 'PT5M' }))];
}

function matchesResource(resourceId: string, wanted: string): boolean {
  const id = resourceId.toLowerCase();
  const w = wanted.toLowerCase();
  return w.startsWith('/') ? id === w : id.split('/').pop() === w;
}
