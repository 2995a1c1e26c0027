import type { Datapoint } from '../metrics/datapoint';

/**
 * Fabric throttles in stages (https://learn.microsoft.com/fabric/enterprise/throttling): interactive
 * delay once the next 10 minutes of capacity are used up (the app's "interactive delay %" passes 100),
 * interactive rejection at 60 minutes, background rejection at 24 hours (their % pass 100).
 */
export const THROTTLING_PERCENT = 100;
/** "Sustained" high CU: this many consecutive buckets at the end of the window all at or above the threshold. */
export const SUSTAINED_BUCKETS = 3;

export type CapacityConditionCode =
  'CapacityThrottling' | 'CapacityHighCu' | 'CapacityCarryForwardBuilding' | 'CapacityPaused';

export interface CapacityCondition {
  readonly code: CapacityConditionCode;
  /** A few words for people, e.g. `interactive requests rejected (peak 113 %)`. */
  readonly message: string;
}

/**
 * A Fabric capacity's own condition over one window, from its CU series and ARM state: throttling
 * (delay or rejection past 100 % at any bucket's maximum), sustained high CU (the last buckets' average
 * CU % all at or above `highCuPercent`), carry-forward building up (cumulative carry-forward higher at
 * the end than at the start), paused.
 */
export function assessCapacityConditions(
  points: readonly Datapoint[],
  armState: string | undefined,
  highCuPercent: number,
): CapacityCondition[] {
  const conditions: CapacityCondition[] = [];
  if (armState && /^(paused|suspended)$/i.test(armState)) {
    conditions.push({ code: 'CapacityPaused', message: `capacity is ${armState.toLowerCase()}` });
  }
  const series = (metric: string) =>
    points.filter((p) => p.metric === metric).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const peak = (metric: string) => Math.max(-Infinity, ...series(metric).map((p) => p.maximum ?? p.average ?? 0));
  const percent = (value: number) => `${Math.round(value)} %`;

  const stages: Array<[string, string]> = [
    ['BackgroundRejectionPercent', 'background jobs rejected'],
    ['InteractiveRejectionPercent', 'interactive requests rejected'],
    ['InteractiveDelayPercent', 'interactive requests delayed'],
  ];
  const stage = stages.find(([metric]) => peak(metric) >= THROTTLING_PERCENT);
  if (stage) {
    conditions.push({ code: 'CapacityThrottling', message: `${stage[1]} (peak ${percent(peak(stage[0]))})` });
  }

  const cu = series('CUPercent');
  const last = cu.slice(-SUSTAINED_BUCKETS);
  if (last.length === SUSTAINED_BUCKETS && last.every((p) => (p.average ?? 0) >= highCuPercent)) {
    const lowest = Math.min(...last.map((p) => p.average ?? 0));
    conditions.push({
      code: 'CapacityHighCu',
      message: `CU at or above ${highCuPercent} % for the last ${SUSTAINED_BUCKETS} intervals (lowest ${percent(lowest)})`,
    });
  }

  const carry = series('CarryOverCumulativePercent');
  const first = carry[0]?.maximum ?? carry[0]?.average ?? 0;
  const end = carry[carry.length - 1]?.maximum ?? carry[carry.length - 1]?.average ?? 0;
  if (carry.length >= 2 && end > first && end > 0) {
    conditions.push({
      code: 'CapacityCarryForwardBuilding',
      message: `carry-forward grew from ${percent(first)} to ${percent(end)}`,
    });
  }
  return conditions;
}
