import { createHash } from 'node:crypto';
import { LruMap } from '../caching/lru-map';
import { hasDimensions, toUtcSecond, type Dimensions } from '../metrics/datapoint';

/**
 * Table keys for the metrics table. "customer + resource + metric" is the partition, so a query for a
 * time range of one series is a partition-equality, row-range query. Resource IDs contain `/`, which
 * table keys forbid, and can be long, so the partition holds a hash of the (case-insensitive) ID; the
 * readable ID is stored as a property.
 *
 * A series split by dimensions appends `~{dimensionKey(dimensions)}`: an unsplit series keeps the key it
 * always had, and every split series of one metric sorts right after it, in one partition range.
 */
export function metricPartitionKey(
  customerId: string,
  resourceId: string,
  metric: string,
  dimensions?: Dimensions,
): string {
  const base = `${customerId}~${resourceKey(resourceId)}~${encodeURIComponent(metric)}`;
  return hasDimensions(dimensions) ? `${base}~${dimensionKey(dimensions)}` : base;
}

/** Row key: the datapoint's UTC instant; ISO 8601 sorts lexicographically in time order. */
export function metricRowKey(timestamp: string | Date): string {
  return toUtcSecond(timestamp);
}

/** Hashes of recent resource IDs: every point of a series needs its partition key (bounded, not per customer). */
const recentResourceKeys = new LruMap<string, string>(4096);

/** A short, stable, key-safe identifier of an ARM resource ID (ARM IDs are case-insensitive). */
export function resourceKey(resourceId: string): string {
  const known = recentResourceKeys.get(resourceId);
  if (known !== undefined) return known;
  const key = createHash('sha256').update(resourceId.toLowerCase()).digest('hex').slice(0, 24);
  recentResourceKeys.set(resourceId, key);
  return key;
}

/** Length of a dimension key: 16 hex digits (64 bits) per metric of one resource is plenty. */
export const DIMENSION_KEY_LENGTH = 16;

/**
 * A key-safe identifier of a series' dimension values. Dimension names are case-insensitive (Azure echoes
 * `tier` for a `Tier` filter), values are kept as they are; the order of the dimensions does not matter.
 */
export function dimensionKey(dimensions: Dimensions): string {
  const canonical = Object.entries(dimensions)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, DIMENSION_KEY_LENGTH);
}
