import { createHash } from 'node:crypto';
import type { Aggregation } from '../../customers/customer';
import type { MetricSpec } from './metric-catalog';

/** One data point as the metrics API returns it (only requested aggregations are present). */
export interface MetricDataPoint {
  readonly timeStamp: string;
  readonly average?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly total?: number;
  readonly count?: number;
}

export interface MetricSeriesRequest {
  readonly resourceId: string;
  readonly spec: MetricSpec;
  readonly start: Date;
  readonly end: Date;
  readonly intervalMs: number;
  readonly aggregations: readonly Aggregation[];
  /** The split series' dimension values (name → value); absent: the unsplit series. */
  readonly dimensionValues?: Readonly<Record<string, string>>;
  /**
   * Ingestion: the sandbox clock and how late samples arrive. A minute's sample exists only once the minute
   * has ended and its delay has passed; absent: every sample exists (a fully ingested past).
   */
  readonly ingestion?: { readonly now: Date; readonly delayMs: number };
}

/** Share of minutes that arrive later than the typical delay ("longer at times"), and by how much. */
const LATE_MINUTE_SHARE = 0.1;
const LATE_MINUTE_EXTRA_MS = 4 * 60_000;

/** More minute samples per point add cost but not realism. */
const MAX_SAMPLES_PER_POINT = 60;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Generates a deterministic metric series: one point per interval from `start` (aligned down
 * to the interval) while before `end`. Every minute sample is derived from a hash of resource
 * id, metric name and minute, so the same request always yields the same numbers, different
 * resources differ, and overlapping windows agree.
 */
export function generateMetricSeries(request: MetricSeriesRequest): MetricDataPoint[] {
  const { intervalMs } = request;
  const points: MetricDataPoint[] = [];
  const first = Math.floor(request.start.getTime() / intervalMs) * intervalMs;
  const minutes = Math.max(1, Math.round(intervalMs / MINUTE_MS));
  const samplesPerPoint = Math.min(minutes, MAX_SAMPLES_PER_POINT);
  const step = intervalMs / samplesPerPoint;
  const seed = seriesSeed(request.resourceId, request.dimensionValues);
  const resourceBias = unitHash(`${seed}|${request.spec.name}|bias`) - 0.5;
  for (let t = first; t < request.end.getTime(); t += intervalMs) {
    const samples: number[] = [];
    for (let i = 0; i < samplesPerPoint; i++) {
      const minute = Math.floor((t + i * step) / MINUTE_MS) * MINUTE_MS;
      if (!isIngested(seed, request, minute)) continue;
      samples.push(sampleAt(seed, request.spec, minute, resourceBias, request.dimensionValues));
    }
    // Azure's "no data yet" slot: the timestamp without any aggregate field.
    if (samples.length === 0) points.push({ timeStamp: formatTimestamp(new Date(t)) });
    else {
      // A partly ingested bucket aggregates what has arrived: total and count grow as the clock advances.
      const covered = Math.round((minutes * samples.length) / samplesPerPoint);
      points.push(aggregate(new Date(t), samples, covered, request.spec, request.aggregations));
    }
  }
  return points;
}

/**
 * Azure Monitor ingestion delay: platform metrics appear 1–3 minutes after the minute they measure, sometimes
 * later (measured in tomkerkhove/promitor#198; Dynatrace's Azure poller waits 5 minutes because "Azure Monitor
 * is an eventually consistent metrics API"; opentelemetry-collector-contrib#37337: a collector reading up to
 * "now" loses points). A slot none of whose minutes has arrived is answered with its timestamp only; a partly
 * arrived bucket aggregates what is there (metrics-troubleshoot, "unexpected drop in values", as raised in
 * MicrosoftDocs/azure-docs#119644). Which minutes are late is deterministic.
 */
function isIngested(seed: string, request: MetricSeriesRequest, minute: number): boolean {
  if (!request.ingestion) return true;
  const late = unitHash(`${seed}|${request.spec.name}|${minute}|late`) < LATE_MINUTE_SHARE;
  const delay = request.ingestion.delayMs + (late ? LATE_MINUTE_EXTRA_MS : 0);
  return minute + MINUTE_MS + delay <= request.ingestion.now.getTime();
}

/** Split series differ from each other and from the unsplit one; the unsplit seed is the resource id as before. */
function seriesSeed(resourceId: string, dimensionValues: Readonly<Record<string, string>> | undefined): string {
  const id = resourceId.toLowerCase();
  if (!dimensionValues || Object.keys(dimensionValues).length === 0) return id;
  const parts = Object.entries(dimensionValues)
    .map(([k, v]) => `${k.toLowerCase()}=${v}`)
    .sort();
  return `${id}|${parts.join('|')}`;
}

function sampleAt(
  seed: string,
  spec: MetricSpec,
  minute: number,
  bias: number,
  dimensionValues: Readonly<Record<string, string>> | undefined,
): number {
  const u = unitHash(`${seed}|${spec.name}|${minute}`);
  const shape = spec.shape;
  switch (shape.kind) {
    case 'levels': {
      // A split series has its value's level; the unsplit series is the sum over all values.
      const values = Object.values(dimensionValues ?? {});
      return values.length > 0
        ? (shape.levels[values[0]!] ?? 0)
        : Object.values(shape.levels).reduce((a, b) => a + b, 0);
    }
    case 'rareEvent':
      return u < shape.probability ? 1 : 0;
    case 'growing': {
      const days = minute / DAY_MS - 19_000;
      const level = shape.base * (1 + bias * 0.4) * (1 + shape.growthPerDay * days);
      return Math.round(level * (1 + (u - 0.5) * 2 * shape.noise));
    }
    case 'diurnal': {
      // Busiest mid-afternoon UTC, quietest at night; each resource sits a little higher or lower.
      const hour = (minute % DAY_MS) / 3_600_000;
      const daily = Math.sin((2 * Math.PI * (hour - 9)) / 24);
      const raw = shape.base * (1 + bias * 0.3) + shape.amplitude * daily + (u - 0.5) * 2 * shape.noise;
      return Math.min(shape.max, Math.max(shape.min, raw));
    }
  }
}

function aggregate(
  at: Date,
  samples: readonly number[],
  minutes: number,
  spec: MetricSpec,
  aggregations: readonly Aggregation[],
): MetricDataPoint {
  const decimals = spec.shape.kind === 'diurnal' ? spec.shape.decimals : spec.shape.kind === 'rareEvent' ? 4 : 0;
  const sum = samples.reduce((a, b) => a + b, 0);
  const average = sum / samples.length;
  const wanted = new Set(aggregations.map((a) => a.toLowerCase()));
  const point: { -readonly [K in keyof MetricDataPoint]: MetricDataPoint[K] } = { timeStamp: formatTimestamp(at) };
  if (wanted.has('average')) point.average = round(average, decimals);
  if (wanted.has('minimum')) point.minimum = round(Math.min(...samples), decimals);
  if (wanted.has('maximum')) point.maximum = round(Math.max(...samples), decimals);
  // Total and count cover every minute of the interval, as Azure Monitor counts 1-minute samples.
  if (wanted.has('total')) point.total = round(average * minutes, decimals);
  if (wanted.has('count')) point.count = minutes;
  return point;
}

/** A uniform number in [0, 1) from the first 48 bits of a SHA-256. */
function unitHash(text: string): number {
  const digest = createHash('sha256').update(text).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Azure's metric timestamps: seconds precision, `Z`. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
