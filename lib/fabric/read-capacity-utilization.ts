import { AppError } from '../errors/app-error';
import type { CapacityMetricsShape, TimepointMeasure } from './capacity-metrics-shapes';
import { MEASURE_ALIASES } from './capacity-metrics-shapes';
import type { CapacityTimepoint } from './fabric-metrics';
import type { FabricCapacity, PowerBiClient, QueryRow } from './power-bi-client';

const DAY_MS = 86_400_000;

/** The ARM name of a capacity: the last segment of its resource id. */
export function capacityName(resourceId: string): string {
  return resourceId.split('/').pop() ?? resourceId;
}

/**
 * The Fabric capacity id of an ARM capacity. `GET /v1/capacities` lists what the principal can see;
 * a capacity created in Azure keeps its ARM name as displayName. Not listed: the principal has no
 * admin or contributor right on it.
 */
export function mapArmCapacity(resourceId: string, listed: readonly FabricCapacity[]): FabricCapacity {
  const name = capacityName(resourceId).toLowerCase();
  const found = listed.find((c) => c.displayName.toLowerCase() === name);
  if (!found) {
    throw new AppError({
      kind: 'customerAccess',
      code: 'FabricCapacityNotVisible',
      message: `Fabric lists ${listed.length} capacit${listed.length === 1 ? 'y' : 'ies'} for the principal, none named ${capacityName(resourceId)}`,
      details: { resourceId, listed: listed.map((c) => c.displayName) },
    });
  }
  return found;
}

/** Capacity ids in the model's Capacities table, upper case (the model's own casing varies). */
export async function readModelCapacityIds(
  client: PowerBiClient,
  datasetId: string,
  shape: CapacityMetricsShape,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const rows = await client.executeQuery(datasetId, shape.capacitiesQuery, signal);
  return new Set(rows.map((row) => String(Object.values(row)[0] ?? '').toUpperCase()).filter(Boolean));
}

/**
 * Reads one capacity's timepoints in [from, to): one query per UTC day the range touches (paging by
 * time: a day is 2,880 timepoints × 10 columns, far inside 100k rows / 1M values), keeping the
 * timepoints in range. Timepoints come back as model-local date-times without an offset; the app
 * reports them in UTC.
 */
export async function readCapacityTimepoints(
  client: PowerBiClient,
  datasetId: string,
  shape: CapacityMetricsShape,
  capacityId: string,
  from: Date,
  to: Date,
  signal?: AbortSignal,
): Promise<CapacityTimepoint[]> {
  const timepoints: CapacityTimepoint[] = [];
  for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day < to.getTime(); day += DAY_MS) {
    const rows = await client.executeQuery(datasetId, shape.timepointsQuery(capacityId, new Date(day)), signal);
    for (const row of rows) {
      const point = toTimepoint(row);
      if (!point) continue;
      const at = Date.parse(point.timestamp);
      if (at >= from.getTime() && at < to.getTime()) timepoints.push(point);
    }
  }
  return timepoints;
}

function toTimepoint(row: QueryRow): CapacityTimepoint | undefined {
  const rawTime = findColumn(row, 'TimePoint');
  if (typeof rawTime !== 'string') return undefined;
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(rawTime) ? rawTime : `${rawTime}Z`);
  if (Number.isNaN(at)) return undefined;
  const values: Record<string, number> = {};
  for (const [measure, alias] of Object.entries(MEASURE_ALIASES) as [TimepointMeasure, string][]) {
    const value = row[`[${alias}]`];
    if (typeof value === 'number' && Number.isFinite(value)) values[measure] = value;
  }
  const interactive = values.InteractiveCUPercent;
  const background = values.BackgroundCUPercent;
  if (interactive !== undefined || background !== undefined) values.CUPercent = (interactive ?? 0) + (background ?? 0);
  return { timestamp: new Date(at).toISOString(), values };
}

/** `TimePoints[TimePoint]` or `'TimePoints'[TimePoint]`: Power BI returns qualified names as queried. */
function findColumn(row: QueryRow, column: string): unknown {
  const suffix = `[${column.toLowerCase()}]`;
  const key = Object.keys(row).find((k) => k.toLowerCase().endsWith(suffix));
  return key === undefined ? undefined : row[key];
}
