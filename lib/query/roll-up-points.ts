/** The read-side roll-up grains: what dashboards and spreadsheets need, nothing finer than storage. */
export const ROLL_UP_GRAINS = ['PT5M', 'PT1H', 'P1D'] as const;
export type RollUpGrain = (typeof ROLL_UP_GRAINS)[number];

export const GRAIN_MS: Record<RollUpGrain, number> = { PT5M: 300_000, PT1H: 3_600_000, P1D: 86_400_000 };

/** One point of a series as the query API returns it (the series carries resource, metric, unit). */
export interface SeriesPoint {
  readonly timestamp: string;
  /** The bucket may still change (it was read before Azure had all of it). */
  readonly provisional?: boolean;
  readonly minimum?: number;
  readonly average?: number;
  readonly maximum?: number;
  readonly total?: number;
  readonly count?: number;
}

/**
 * Rolls stored datapoints up into UTC-aligned buckets of `grain`: minimum of the minimums, maximum
 * of the maximums, mean of the averages (each falling back to the average when the source did not
 * collect that aggregation), sum of totals and counts. Input must be oldest first; output is too.
 */
export function rollUpPoints(points: readonly SeriesPoint[], grain: RollUpGrain): SeriesPoint[] {
  const size = GRAIN_MS[grain];
  const buckets = new Map<number, SeriesPoint[]>();
  for (const point of points) {
    const start = Math.floor(Date.parse(point.timestamp) / size) * size;
    const bucket = buckets.get(start);
    if (bucket) bucket.push(point);
    else buckets.set(start, [point]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([start, members]) => combine(start, members));
}

function combine(start: number, members: readonly SeriesPoint[]): SeriesPoint {
  const pick = (read: (p: SeriesPoint) => number | undefined): number[] =>
    members.map(read).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const minimums = pick((p) => p.minimum ?? p.average);
  const maximums = pick((p) => p.maximum ?? p.average);
  const averages = pick((p) => p.average);
  const totals = pick((p) => p.total);
  const counts = pick((p) => p.count);
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  return {
    timestamp: new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(members.some((m) => m.provisional) ? { provisional: true } : {}),
    ...(minimums.length ? { minimum: Math.min(...minimums) } : {}),
    ...(averages.length ? { average: round(sum(averages) / averages.length) } : {}),
    ...(maximums.length ? { maximum: Math.max(...maximums) } : {}),
    ...(totals.length ? { total: round(sum(totals)) } : {}),
    ...(counts.length ? { count: sum(counts) } : {}),
  };
}

/** Averages of floats carry binary noise (0.30000000000000004); 6 significant decimals is plenty for ops. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
