import type { Datapoint } from '../metrics/datapoint';
import { keepBestSnapshot, type SnapshotResource, type WindowSnapshot } from '../collect/keep-best-snapshot';

/** A snapshot resource's datapoints as the collector writes them. */
type StoredPoint = Pick<Datapoint, 'metric' | 'timestamp'> & {
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly provisional?: boolean;
};

/** Resources of a kept snapshot that hold provisional points, with the region they were read in. */
export interface ProvisionalResource {
  readonly resourceId: string;
  readonly location: string;
  readonly provisional: number;
}

/** Which resources of the window's kept snapshot a settle read has to re-read (none: nothing to do). */
export function findProvisionalResources(snapshot: WindowSnapshot | undefined): ProvisionalResource[] {
  if (!snapshot || !Array.isArray(snapshot.resources)) return [];
  return snapshot.resources.flatMap((resource) => {
    const points: ReadonlyArray<{ readonly provisional?: boolean }> = resource.datapoints ?? [];
    const provisional = points.filter((p) => p.provisional).length;
    if (provisional === 0) return [];
    const state = resource['state'] as { location?: unknown } | null | undefined;
    return [
      {
        resourceId: resource.resourceId,
        location: typeof state?.location === 'string' ? state.location : '',
        provisional,
      },
    ];
  });
}

/**
 * The kept snapshot with a settle read's points merged in: per re-read resource, a re-read point replaces
 * the kept one of the same series and instant and new instants are added; the result then goes through
 * keepBestSnapshot, so the merged reading is kept only when it holds more settled points. Everything else
 * (state, raw resource, error, run id) stays what the window's run recorded.
 */
export function mergeSettledPoints(
  existing: WindowSnapshot,
  reread: ReadonlyMap<string, readonly Datapoint[]>,
): { snapshot: WindowSnapshot; changed: boolean } {
  const candidates: SnapshotResource[] = [];
  for (const resource of existing.resources) {
    const points = reread.get(resource.resourceId);
    if (!points || points.length === 0) continue;
    const merged = new Map<string, StoredPoint>();
    for (const point of (resource.datapoints ?? []) as readonly StoredPoint[]) merged.set(pointKey(point), point);
    for (const point of points) merged.set(pointKey(point), point);
    const datapoints = [...merged.values()].sort(
      (a, b) => a.metric.localeCompare(b.metric) || a.timestamp.localeCompare(b.timestamp),
    );
    candidates.push({ ...resource, datapoints });
  }
  if (candidates.length === 0) return { snapshot: existing, changed: false };
  return keepBestSnapshot(existing, { ...existing, resources: candidates });
}

function pointKey(point: StoredPoint): string {
  const dimensions = Object.entries(point.dimensions ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return `${point.metric.toLowerCase()}\n${JSON.stringify(dimensions)}\n${Date.parse(point.timestamp)}`;
}
