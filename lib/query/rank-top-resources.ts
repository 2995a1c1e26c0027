import type { Dimensions } from '../metrics/datapoint';
import type { SummaryStore, TopSeries } from '../summary/summary-store';

export const RANK_BY = ['max', 'avg'] as const;
export type RankBy = (typeof RANK_BY)[number];
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface RankedResource {
  readonly rank: number;
  readonly customerId: string;
  readonly resourceId: string;
  readonly name: string;
  readonly metric: string;
  /** The dimension values of a split series (each split series ranks on its own); absent when unsplit. */
  readonly dimensions?: Dimensions;
  /** `name` plus the dimension values, e.g. `stcontoso · Tier=Hot`: what a person reads in a list. */
  readonly label: string;
  readonly value: number;
  readonly unit?: string;
  /** When the peak happened (by=max, minute precision), or the start of the newest hour counted (by=avg). */
  readonly at: string;
  readonly points: number;
  /** Some point counted may still change (Azure had not settled it when it was read). */
  readonly provisional?: boolean;
}

export interface TopQuery {
  readonly metric: string;
  readonly from: Date;
  readonly to: Date;
  readonly by: RankBy;
  readonly limit: number;
}

/**
 * Ranks every series of `metric` across customers by its peak (`max`: highest maximum, or average where no
 * maximum was collected) or its mean of averages (`avg`) over the hours of the window, from the hourly
 * summaries written at collection time: one row-range query per ranking partition, whatever the history. The window counts whole
 * hours (the hour holding `from` is included). Split series rank separately, labelled with their
 * dimension values. Only series of `customers` (registered ones) rank; series without points in the
 * window are left out; ties keep key order.
 */
export async function rankTopResources(
  customers: ReadonlySet<string>,
  query: TopQuery,
  summaries: Pick<SummaryStore, 'listTop'>,
): Promise<RankedResource[]> {
  const first = Math.floor(query.from.getTime() / HOUR_MS);
  const last = Math.floor((query.to.getTime() - 1) / HOUR_MS);
  const scored: Array<Omit<RankedResource, 'rank'>> = [];
  for (const series of await summaries.listTop(query.metric)) {
    if (!customers.has(series.customerId)) continue;
    const scoredSeries = score(series, first, last, query.by);
    if (scoredSeries) scored.push(scoredSeries);
  }
  return scored
    .sort((a, b) => b.value - a.value)
    .slice(0, query.limit)
    .map((r, i) => ({ rank: i + 1, ...r }));
}

function score(series: TopSeries, first: number, last: number, by: RankBy): Omit<RankedResource, 'rank'> | undefined {
  const hours = series.hours.filter((h) => h.hour >= first && h.hour <= last && h.points > 0);
  if (hours.length === 0) return undefined;
  let value: number | undefined;
  let at = '';
  if (by === 'max') {
    for (const h of hours) {
      if (h.maximum !== undefined && (value === undefined || h.maximum > value)) {
        value = h.maximum;
        at = iso(h.hour * HOUR_MS + (h.maximumAt ?? 0) * MINUTE_MS);
      }
    }
  } else {
    const averages = hours.reduce((n, h) => n + h.averages, 0);
    if (averages > 0) value = Math.round((hours.reduce((s, h) => s + h.averageSum, 0) / averages) * 1e6) / 1e6;
    at = iso(hours.at(-1)!.hour * HOUR_MS);
  }
  if (value === undefined) return undefined;
  const name = series.resourceId.split('/').at(-1) ?? series.resourceId;
  const dims = series.dimensions && Object.keys(series.dimensions).length > 0 ? series.dimensions : undefined;
  return {
    customerId: series.customerId,
    resourceId: series.resourceId,
    name,
    metric: series.metric,
    ...(dims ? { dimensions: dims } : {}),
    label: dims ? `${name} · ${describeDimensions(dims)}` : name,
    value,
    ...(series.unit ? { unit: series.unit } : {}),
    at,
    points: hours.reduce((n, h) => n + h.points, 0),
    ...(hours.some((h) => h.provisional) ? { provisional: true } : {}),
  };
}

/** `Tier=Hot; ApiName=GetBlob`: the CSV's dimensions column, spaced for reading (top labels, the dashboard). */
export function describeDimensions(dimensions: Dimensions): string {
  return Object.entries(dimensions)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
