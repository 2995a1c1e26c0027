import { z } from 'zod';
import { AppError } from '../errors/app-error';
import type { FabricMetric } from './fabric-metrics';
import { TIMEPOINT_MS } from './fabric-metrics';

/**
 * Real-Time hub "Fabric capacity overview events" as published (fabric-docs
 * docs/real-time-hub/explore-fabric-capacity-overview-events.md): CloudEvents 1.0 envelopes
 * (`id`, `type`, `source`, `subject`, `time`, `specversion`, `dataschemaversion`, `data`) of type
 * `Microsoft.Fabric.Capacity.Summary` (every 30 s) or `Microsoft.Fabric.Capacity.State` (on change).
 */
export const SUMMARY_TYPE = 'Microsoft.Fabric.Capacity.Summary';
export const STATE_TYPE = 'Microsoft.Fabric.Capacity.State';

/** At most this many events in one push (an Eventstream batch or a notebook's hour of one capacity fits). */
export const MAX_EVENTS_PER_PUSH = 1000;
/** Events older than this are refused: they can no longer reach a stored series meaningfully. */
export const MAX_EVENT_AGE_MS = 14 * 86_400_000;
/** Clock skew tolerated for events "from the future". */
const MAX_FUTURE_MS = 5 * 60_000;
/** A paused capacity's window can show up to 288,000 % (fabric-docs, "Paused capacities"); beyond is garbage. */
const MAX_PERCENT = 1_000_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `2025-09-22 05:23:00.0000000` (UTC, no offset) or ISO 8601. */
const utcString = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const iso = value.trim().replace(' ', 'T');
    const at = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`);
    if (Number.isNaN(at)) {
      ctx.addIssue({ code: 'custom', message: `not a UTC time: "${value}"` });
      return z.NEVER;
    }
    return at;
  });
const nonNegative = z.number().finite().min(0);
const percent = nonNegative.max(MAX_PERCENT);

const envelope = z.object({
  id: z.string().min(1).max(200),
  type: z.string(),
  source: z.string().max(500).optional(),
  subject: z.string().max(500).optional(),
  time: z.string().max(60).optional(),
  specversion: z.string().max(10).optional(),
  dataschemaversion: z.string().max(10).optional(),
  data: z.unknown(),
});

const summaryData = z.object({
  capacityId: z.string().regex(GUID, 'must be a GUID'),
  capacityName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'must be a capacity name'),
  capacitySku: z.string().max(20).optional(),
  windowStartTime: utcString,
  windowEndTime: utcString,
  baseCapacityUnits: z.number().int().positive().max(100_000),
  capacityUnitMs: nonNegative,
  interactiveDelayThresholdPercentage: percent,
  interactiveRejectionThresholdPercentage: percent,
  backgroundRejectionThresholdPercentage: percent,
  overageTotalCapacityUnitMs: nonNegative,
  overageAddCapacityUnitMs: nonNegative,
  overageBurndownCapacityUnitMs: nonNegative,
  utilizationBackground: nonNegative,
  utilizationInteractive: nonNegative,
});

const stateData = z.object({
  capacityId: z.string().regex(GUID, 'must be a GUID'),
  capacityName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'must be a capacity name'),
  capacitySku: z.string().max(20).optional(),
  transitionTime: utcString,
  capacityState: z.string().min(1).max(50),
  stateChangeReason: z.string().max(100).default(''),
});

export type CapacityEvent =
  | {
      readonly kind: 'summary';
      readonly id: string;
      readonly capacityId: string;
      readonly capacityName: string;
      /** ISO instant of the 30-second window's start. */
      readonly windowStart: string;
      readonly values: Partial<Record<FabricMetric, number>>;
    }
  | {
      readonly kind: 'state';
      readonly id: string;
      readonly capacityId: string;
      readonly capacityName: string;
      readonly transitionTime: string;
      readonly capacityState: string;
      readonly stateChangeReason: string;
    };

export interface EventProblem {
  readonly index: number;
  readonly id?: string;
  readonly problems: readonly string[];
}

/**
 * Validates a pushed batch (a JSON array of events, or one event) and converts each event. Every
 * problem of every event is reported at once, each naming the event's index and id: the whole batch is
 * refused (400) so a sender never has to work out which part was stored.
 */
export function parseCapacityEvents(body: unknown, now: Date): CapacityEvent[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) throw invalid('The batch is empty: send a JSON array of capacity events', []);
  if (list.length > MAX_EVENTS_PER_PUSH)
    throw invalid(`The batch has ${list.length} events; at most ${MAX_EVENTS_PER_PUSH} per request`, []);
  const problems: EventProblem[] = [];
  const events: CapacityEvent[] = [];
  list.forEach((raw, index) => {
    const parsed = parseOne(raw, now);
    if ('problems' in parsed)
      problems.push({ index, ...(parsed.id ? { id: parsed.id } : {}), problems: parsed.problems });
    else events.push(parsed.event);
  });
  if (problems.length > 0) {
    const first = problems[0] as EventProblem;
    throw invalid(
      `${problems.length} of ${list.length} event(s) refused; first: event ${first.index}${first.id ? ` (id ${first.id})` : ''}: ${first.problems.join('; ')}`,
      problems,
    );
  }
  return events;
}

function parseOne(raw: unknown, now: Date): { event: CapacityEvent } | { id?: string; problems: string[] } {
  const head = envelope.safeParse(raw);
  if (!head.success) return { problems: issues(head.error) };
  const { id, type } = head.data;
  if (type.toLowerCase() === SUMMARY_TYPE.toLowerCase()) {
    const data = summaryData.safeParse(head.data.data);
    if (!data.success) return { id, problems: issues(data.error, 'data.') };
    const d = data.data;
    const problems: string[] = [];
    if (d.windowEndTime - d.windowStartTime !== TIMEPOINT_MS)
      problems.push('data.windowEndTime: must be 30 seconds after windowStartTime');
    if (d.windowStartTime % TIMEPOINT_MS !== 0)
      problems.push('data.windowStartTime: must fall on a 30-second boundary');
    problems.push(...ageProblems('data.windowStartTime', d.windowStartTime, now));
    if (problems.length > 0) return { id, problems };
    const budget = d.baseCapacityUnits * 1000 * 30; // CU-ms available in a 30 s window (fabric-docs, baseCapacityUnits)
    const pct = (ms: number) => (ms / budget) * 100;
    return {
      event: {
        kind: 'summary',
        id,
        capacityId: d.capacityId,
        capacityName: d.capacityName,
        windowStart: new Date(d.windowStartTime).toISOString(),
        values: {
          CUPercent: pct(d.capacityUnitMs),
          InteractiveCUPercent: pct(d.utilizationInteractive),
          BackgroundCUPercent: pct(d.utilizationBackground),
          InteractiveDelayPercent: d.interactiveDelayThresholdPercentage,
          InteractiveRejectionPercent: d.interactiveRejectionThresholdPercentage,
          BackgroundRejectionPercent: d.backgroundRejectionThresholdPercentage,
          CarryOverAddedPercent: pct(d.overageAddCapacityUnitMs),
          CarryOverBurndownPercent: pct(d.overageBurndownCapacityUnitMs),
          CarryOverCumulativePercent: pct(d.overageTotalCapacityUnitMs),
          CULimit: d.baseCapacityUnits,
        },
      },
    };
  }
  if (type.toLowerCase() === STATE_TYPE.toLowerCase()) {
    const data = stateData.safeParse(head.data.data);
    if (!data.success) return { id, problems: issues(data.error, 'data.') };
    const problems = ageProblems('data.transitionTime', data.data.transitionTime, now);
    if (problems.length > 0) return { id, problems };
    return {
      event: {
        kind: 'state',
        id,
        capacityId: data.data.capacityId,
        capacityName: data.data.capacityName,
        transitionTime: new Date(data.data.transitionTime).toISOString(),
        capacityState: data.data.capacityState,
        stateChangeReason: data.data.stateChangeReason,
      },
    };
  }
  return { id, problems: [`type: "${type.slice(0, 80)}" is not ${SUMMARY_TYPE} or ${STATE_TYPE}`] };
}

function ageProblems(field: string, at: number, now: Date): string[] {
  if (at > now.getTime() + MAX_FUTURE_MS) return [`${field}: ${new Date(at).toISOString()} is in the future`];
  if (at < now.getTime() - MAX_EVENT_AGE_MS) return [`${field}: ${new Date(at).toISOString()} is older than 14 days`];
  return [];
}

function issues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => `${prefix}${i.path.join('.') || '(event)'}: ${i.message}`);
}

function invalid(message: string, events: readonly EventProblem[]): AppError {
  return new AppError({ kind: 'validation', code: 'InvalidCapacityEvents', message, details: { events } });
}
