/** One resource's part of a window snapshot, as the collector writes it. */
export interface SnapshotResource {
  readonly resourceId: string;
  /** The attempt (run) this reading comes from. */
  readonly runId?: string;
  readonly datapoints?: ReadonlyArray<{ readonly provisional?: boolean }>;
  readonly error?: unknown;
  readonly [key: string]: unknown;
}

/** A window snapshot: what one customer's resources answered for one window. */
export interface WindowSnapshot {
  readonly schema: number;
  readonly runId?: string;
  readonly resources: readonly SnapshotResource[];
  readonly [key: string]: unknown;
}

/**
 * Merges a new attempt's snapshot into the one already kept for the window, so a later attempt never
 * replaces a snapshot with one that holds less. Per resource the better reading is kept: one without an
 * error beats one with, then more settled (non-provisional) datapoints, then more datapoints; a tie goes to
 * the newer attempt. Resources only the old snapshot has are kept. The top-level fields are the new
 * attempt's (its run id, window and tenant are the same window's).
 * @returns the merged snapshot, and whether anything of the new attempt was taken.
 */
export function keepBestSnapshot(
  existing: WindowSnapshot | undefined,
  next: WindowSnapshot,
): { snapshot: WindowSnapshot; changed: boolean } {
  if (!existing || existing.schema !== next.schema || !Array.isArray(existing.resources)) {
    return { snapshot: next, changed: true };
  }
  const old = new Map(existing.resources.map((r) => [r.resourceId.toLowerCase(), r]));
  let changed = false;
  const resources: SnapshotResource[] = next.resources.map((candidate) => {
    const kept = old.get(candidate.resourceId.toLowerCase());
    old.delete(candidate.resourceId.toLowerCase());
    if (kept && compare(score(kept), score(candidate)) > 0) return kept;
    changed = true;
    return candidate;
  });
  resources.push(...old.values());
  if (!changed) return { snapshot: existing, changed: false };
  return { snapshot: { ...next, resources }, changed: true };
}

/** [has no error, settled datapoints, all datapoints]: compared in that order. */
function score(resource: SnapshotResource): [number, number, number] {
  const points = resource.datapoints ?? [];
  const settled = points.filter((p) => !p.provisional).length;
  return [resource.error ? 0 : 1, settled, points.length];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
