import { createHash } from 'node:crypto';
import type { ResourceTarget } from '../customers/customer';
import type { Datapoint } from '../metrics/datapoint';
import { parseIsoDuration } from '../metrics/parse-iso-duration';
import type { ResourceState } from '../resources/read-resource-state';
import type { SnapshotResource } from './keep-best-snapshot';
import type { ResourceRead } from './read-customer-resources';

/** What a retried attempt takes from earlier attempts of its run, and what it still has to read. */
export interface RetryReads {
  /** Read for good by an earlier attempt of this run: taken from the window's snapshot, not read again. */
  readonly reused: ResourceRead[];
  /** Failed, never read, read with other settings, or holding buckets that have settled since. */
  readonly toRead: ResourceTarget[];
}

/**
 * The window's snapshot is the attempt's durable progress: it is written (merged, keep-best) only after
 * the attempt's datapoints are in the table, one entry per resource with its state, datapoints and error,
 * keyed by window. A retried attempt of the same run (the host redelivers the message after a transient
 * failure) therefore re-reads only what is not final in it:
 * - a resource whose entry has an error, or was read by another run, or with another metric set, grain,
 *   aggregations or split (its `readKey` differs), or that the snapshot lacks, is read again;
 * - a resource holding a provisional bucket that has settled since (its end is before `settledBefore`) is
 *   read again, so the retry stores it final;
 * - a provisional bucket still within the ingestion delay would come back provisional: it is not worth a
 *   call now, and the next window's look-back re-reads it (see planMetricRead).
 * Everything else is reused as it is: no call into the customer's tenant, no table write.
 */
export function planRetryReads(
  snapshot: unknown,
  runId: string,
  targets: readonly ResourceTarget[],
  settledBefore: Date,
): RetryReads {
  const kept = new Map<string, StoredResource>();
  const resources = (snapshot as { resources?: unknown } | undefined)?.resources;
  if (Array.isArray(resources)) {
    for (const entry of resources as StoredResource[]) {
      if (typeof entry?.resourceId === 'string') kept.set(entry.resourceId.toLowerCase(), entry);
    }
  }
  const reused: ResourceRead[] = [];
  const toRead: ResourceTarget[] = [];
  for (const target of targets) {
    const entry = kept.get(target.resourceId.toLowerCase());
    if (entry && isFinal(entry, runId, target, settledBefore)) {
      reused.push({
        target,
        state: entry.state as ResourceState,
        ...(entry.resource !== null && entry.resource !== undefined ? { rawResource: entry.resource } : {}),
        datapoints: entry.datapoints as Datapoint[],
        ...(Array.isArray(entry.conditions) ? { conditions: entry.conditions as string[] } : {}),
        ...(typeof entry.stateReadAt === 'string' ? { stateReadAt: entry.stateReadAt } : {}),
        ...(entry.stateReadLate === true ? { stateReadLate: true } : {}),
        reused: true,
      });
    } else {
      toRead.push(target);
    }
  }
  return { reused, toRead };
}

/**
 * A short fingerprint of what is read for a target (metrics, grain, aggregations, splits): a snapshot entry
 * is reusable only for the same read. Order and case do not matter where Azure ignores them.
 */
export function readKeyOf(target: ResourceTarget): string {
  const canonical = {
    metrics: [...target.metrics].map((m) => m.toLowerCase()).sort(),
    interval: target.interval,
    aggregations: [...target.aggregations].map((a) => a.toLowerCase()).sort(),
    dimensions: Object.entries(target.dimensions ?? {})
      .map(([metric, names]) => [metric.toLowerCase(), [...names].map((n) => n.toLowerCase()).sort()] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}

type StoredResource = SnapshotResource & {
  readonly state?: unknown;
  readonly resource?: unknown;
  readonly readKey?: unknown;
  readonly conditions?: unknown;
  readonly stateReadAt?: unknown;
  readonly stateReadLate?: unknown;
  readonly datapoints?: ReadonlyArray<{ readonly provisional?: boolean; timestamp?: string; interval?: string }>;
};

function isFinal(entry: StoredResource, runId: string, target: ResourceTarget, settledBefore: Date): boolean {
  if (entry.runId !== runId || entry.error || !entry.state || !Array.isArray(entry.datapoints)) return false;
  if (entry.readKey !== readKeyOf(target)) return false;
  return !entry.datapoints.some((p) => p.provisional && bucketEnd(p) <= settledBefore.getTime());
}

function bucketEnd(point: { timestamp?: string; interval?: string }): number {
  const start = Date.parse(point.timestamp ?? '');
  const grain = parseIsoDuration(point.interval ?? '') ?? 0;
  // An unreadable point cannot be judged settled or not: read the resource again.
  return Number.isFinite(start) ? start + grain : Number.NEGATIVE_INFINITY;
}
