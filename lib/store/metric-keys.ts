import { createHash } from 'node:crypto';
import { toUtcSecond } from '../metrics/datapoint';

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
