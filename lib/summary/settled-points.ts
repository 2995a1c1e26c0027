import type { Datapoint } from '../metrics/datapoint';
import { isSettledMinute, type SeriesSummary } from './series-summary';
import { seriesRowKey } from './summary-entity';

/**
 * Whether a customer's loaded summaries (SummaryStore.load) already count `point`'s minute as settled in its
 * series, so the point's stored row is final. Apart from the store so the worker's path imports no SDK for it.
 */
export function isSettledPoint(
  summaries: { readonly series: ReadonlyMap<string, { readonly summary: SeriesSummary }> },
  point: Datapoint,
): boolean {
  const loaded = summaries.series.get(seriesRowKey(point.resourceId, point.metric, point.dimensions));
  return isSettledMinute(loaded?.summary, point.timestamp);
}
