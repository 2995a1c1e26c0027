import { createHash } from 'node:crypto';

/**
 * Table keys for the metrics table. "customer + resource + metric" is the partition, so a query for a
 * time range of one series is a partition-equality, row-range query. Resource IDs contain `/`, which
 * table keys forbid, and can be long, so the partition holds a hash of the (case-insensitive) ID; the
 * readable ID is stored as a property.
 */
export function metricPartitionKey(customerId: string, resourceId: string, metric: string): string {
  return `${customerId}~${resourceKey(resourceId)}~${encodeURIComponent(metric)}`;
}

/** Row key: the datapoint's UTC instant; ISO 8601 sorts lexicographically in time order. */
export function metricRowKey(timestamp: string | Date): string {
  return toUtcSecond(timestamp);
}

/** A short, stable, key-safe identifier of an ARM resource ID (ARM IDs are case-insensitive). */
export function resourceKey(resourceId: string): string {
  return createHash('sha256').update(resourceId.toLowerCase()).digest('hex').slice(0, 24);
}

/** `2026-11-22T09:05:00Z`: second precision keeps row keys identical however the source formats time. */
export function toUtcSecond(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a timestamp: ${String(value)}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
