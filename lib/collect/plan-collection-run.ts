import { randomUUID } from 'node:crypto';
import type { Customer } from '../customers/customer';
import { closedWindow } from './closed-window';
import type { CollectMessage } from './collect-message';

export interface CollectionPlan {
  readonly runId: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly messages: readonly CollectMessage[];
}

/**
 * One queue message per enabled customer for the window that just closed. All messages of a run share
 * its run id; each carries the window, so a retry or a late worker collects exactly that window.
 */
export function planCollectionRun(
  customers: readonly Customer[],
  schedule: string,
  now: Date,
  trigger: CollectMessage['trigger'] = 'schedule',
): CollectionPlan {
  const window = closedWindow(schedule, now);
  const windowStart = window.start.toISOString();
  const windowEnd = window.end.toISOString();
  const runId = newRunId(window.start);
  const messages = customers
    .filter((c) => c.enabled)
    .map((c): CollectMessage => ({ version: 1, runId, customerId: c.id, windowStart, windowEnd, trigger }));
  return { runId, windowStart, windowEnd, messages };
}

/** `20261122T0900Z-1a2b3c4d`: sortable by window, unique per run. */
export function newRunId(windowStart: Date): string {
  const compact = windowStart.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `${compact}Z-${randomUUID().slice(0, 8)}`;
}
