import type { DiscoveryEntry } from './discovery-entry';
import type { DiscoveredResource } from './query-resource-graph';

/** Vanished entries are kept this long (so they are not reported again), then forgotten. */
export const VANISHED_RETENTION_DAYS = 30;

export interface DiscoveryScope {
  readonly subscriptions: readonly string[];
  readonly resourceTypes: readonly string[];
}

export interface ReconciledDiscovery {
  /** Every entry to keep: active ones first seen or seen again, and vanished ones still retained. */
  readonly entries: readonly DiscoveryEntry[];
  /** Entries to delete: out of the configured scope, or vanished longer than the retention. */
  readonly removed: readonly DiscoveryEntry[];
  /** Resources seen for the first time (or again, after having vanished). */
  readonly added: readonly DiscoveryEntry[];
  /** Resources that were active and are gone now: to be reported, exactly once. */
  readonly vanished: readonly DiscoveryEntry[];
}

/**
 * Compares what Resource Graph returns now with what was known. A resource that stops appearing is
 * marked vanished (with the time) and listed in `vanished` only on that transition, so the caller
 * reports it once; later refreshes keep it silently until VANISHED_RETENTION_DAYS have passed. A known
 * resource that no longer fits the configured scope (a subscription or type removed from the
 * customer's discovery settings) did not vanish: it is dropped without a report.
 */
export function reconcileDiscovery(
  known: readonly DiscoveryEntry[],
  found: readonly DiscoveredResource[],
  scope: DiscoveryScope,
  now: Date,
): ReconciledDiscovery {
  const at = now.toISOString();
  const foundById = new Map(found.map((r) => [r.id.toLowerCase(), r]));
  const knownById = new Map(known.map((e) => [e.resourceId.toLowerCase(), e]));
  const subscriptions = new Set(scope.subscriptions.map((s) => s.toLowerCase()));
  const types = new Set(scope.resourceTypes.map((t) => t.toLowerCase()));
  const inScope = (e: DiscoveryEntry) =>
    types.has(e.type.toLowerCase()) && subscriptions.has(subscriptionOf(e.resourceId));
  const retainVanishedAfter = now.getTime() - VANISHED_RETENTION_DAYS * 86_400_000;

  const entries: DiscoveryEntry[] = [];
  const removed: DiscoveryEntry[] = [];
  const added: DiscoveryEntry[] = [];
  const vanished: DiscoveryEntry[] = [];
  for (const resource of foundById.values()) {
    const previous = knownById.get(resource.id.toLowerCase());
    const entry: DiscoveryEntry = {
      resourceId: resource.id,
      name: resource.name,
      type: resource.type,
      location: resource.location,
      firstSeenAt: previous && !previous.vanishedAt ? previous.firstSeenAt : at,
      lastSeenAt: at,
    };
    entries.push(entry);
    if (!previous || previous.vanishedAt) added.push(entry);
  }
  for (const [id, entry] of knownById) {
    if (foundById.has(id)) continue;
    if (!inScope(entry)) {
      removed.push(entry);
    } else if (!entry.vanishedAt) {
      const gone = { ...entry, vanishedAt: at };
      entries.push(gone);
      vanished.push(gone);
    } else if (Date.parse(entry.vanishedAt) < retainVanishedAfter) {
      removed.push(entry);
    } else {
      entries.push(entry);
    }
  }
  return { entries, removed, added, vanished };
}

function subscriptionOf(resourceId: string): string {
  return (/^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? '').toLowerCase();
}
