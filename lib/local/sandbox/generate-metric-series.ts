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
}

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
  const resourceBias = unitHash(`${request.resourceId.toLowerCase()}|${request.spec.name}|bias`) - 0.5;
  for (let t = first; t < request.end.getTime(); t += intervalMs) {
    const samples: number[] = [];
    for (let i = 0; i < samplesPerPoint; i++) {
      const minute = Math.floor((t + i * step) / MINUTE_MS) * MINUTE_MS;
      samples.push(sampleAt(request.resourceId, request.spec, minute, resourceBias));
    }
    points.push(aggregate(new Date(t), samples, minutes, request.spec, request.aggregations));
  }
  return points;
}

function sampleAt(resourceId: string, spec: MetricSpec, minute: number, bias: number): number {
  const u = unitHash(`${resourceId.toLowerCase()}|${spec.name}|${minute}`);
  const shape = spec.shape;
  switch (shape.kind) {
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
