import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { collectQueueOutput } from '../app/bindings';
import type { Services } from '../app/create-services';
import { closedWindow, type TimeWindow } from '../collect/closed-window';
import { scheduleWindowsBetween } from '../collect/find-missed-windows';
import type { CollectMessage } from '../collect/collect-message';
import { newRunId } from '../collect/plan-collection-run';
import { AppError } from '../errors/app-error';
import { contextLogger } from '../logging/logger';
import { parseTimeInput } from '../query/parse-time-input';
import { ACTIVE_RUN_STATUSES, type RunRecord } from '../store/run-store';
import { parseInput } from './parse-input';
import { loadRouteCustomer } from './route-customer';

const runIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'must be a run id (letters, digits, hyphens)');

/** Most windows one backfill request may queue: a week of the default hourly schedule. */
export const MAX_BACKFILL_WINDOWS = 168;

const rangeSchema = z.object({ from: z.string().max(64).optional(), to: z.string().max(64).optional() });

/** One window's run as the collect endpoint reports it. */
interface QueuedRun {
  readonly runId: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly status: string;
  readonly deduplicated: boolean;
  readonly statusUrl: string;
}

/**
 * `POST /api/customers/{id}/collect[?from=…&to=…]`: queues collections through the same queue and worker
 * as the timer (messages go out through the output binding, so only when this function succeeds).
 * Without a range: the latest closed window. With one (manual backfill): every schedule window from the
 * one `from` falls in up to the last that has closed by `to` (default now); the range must not reach
 * into the future, must stay within METRICS_RETENTION_DAYS and spans at most MAX_BACKFILL_WINDOWS
 * windows, one message (and run id) each. A window already queued or running is joined, not repeated.
 * 202 with the run id(s); poll `GET /api/runs/{runId}`.
 */
export async function postCustomerCollect(
  services: Services,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const customer = await loadRouteCustomer(services, request);
  const id = customer.id;
  if (!customer.enabled) {
    throw new AppError({
      kind: 'validation',
      code: 'CustomerDisabled',
      message: `Customer ${id} is disabled; enable it before collecting`,
    });
  }
  const now = services.now();
  const range = parseInput(rangeSchema, Object.fromEntries(request.query.entries()), 'Query');
  const windows =
    range.from === undefined && range.to === undefined
      ? [closedWindow(services.config.collectSchedule, now)]
      : backfillWindows(range, now, services.config);
  const messages: CollectMessage[] = [];
  const runs: QueuedRun[] = [];
  for (const window of windows) {
    const windowStart = window.start.toISOString();
    const windowEnd = window.end.toISOString();
    const claim = await services.runs.claimWindow(id, windowStart, newRunId(window.start));
    const statusUrl = `/api/runs/${claim.runId}`;
    if (!claim.claimed) {
      const existing = await services.runs.find(claim.runId, id);
      runs.push({
        runId: claim.runId,
        windowStart,
        windowEnd,
        status: existing?.status ?? 'queued',
        deduplicated: true,
        statusUrl,
      });
      continue;
    }
    const message: CollectMessage = {
      version: 1,
      runId: claim.runId,
      customerId: id,
      windowStart,
      windowEnd,
      trigger: 'manual',
    };
    await services.runs.record({
      ...message,
      status: 'queued',
      queuedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    messages.push(message);
    runs.push({ runId: claim.runId, windowStart, windowEnd, status: 'queued', deduplicated: false, statusUrl });
  }
  context.extraOutputs.set(collectQueueOutput, messages);
  contextLogger(context).info(`Queued ${messages.length} on-demand collection(s) of ${id} (${runs.length} window(s))`, {
    customerId: id,
    windows: runs.length,
    queued: messages.length,
    windowStart: runs[0]?.windowStart,
  });
  const first = runs[0] as QueuedRun;
  return {
    status: 202,
    headers: { location: first.statusUrl },
    jsonBody: { ...first, customerId: id, runs },
  };
}

/** The schedule windows a manual backfill range asks for, validated (a 400 names the problem). */
function backfillWindows(
  range: { from?: string | undefined; to?: string | undefined },
  now: Date,
  config: { readonly collectSchedule: string; readonly metricsRetentionDays: number },
): TimeWindow[] {
  const invalid = (code: string, message: string) => new AppError({ kind: 'validation', code, message });
  if (range.from === undefined) throw invalid('InvalidRange', '"from" is required with "to"');
  const from = parseTimeInput(range.from, now, 'from');
  const to = range.to === undefined ? now : parseTimeInput(range.to, now, 'to');
  if (to.getTime() > now.getTime()) throw invalid('RangeInFuture', `"to" (${to.toISOString()}) is in the future`);
  if (from.getTime() >= to.getTime()) throw invalid('InvalidRange', '"from" must be before "to"');
  const oldest = now.getTime() - config.metricsRetentionDays * 86_400_000;
  if (from.getTime() < oldest) {
    throw invalid(
      'RangeBeyondRetention',
      `"from" (${from.toISOString()}) is older than the ${config.metricsRetentionDays}-day retention of Azure Monitor metrics`,
    );
  }
  const latest = closedWindow(config.collectSchedule, now);
  // The window `from` falls in, unless that one starts before retention.
  const containing = closedWindow(config.collectSchedule, from);
  const start = containing.end.getTime() <= from.getTime() ? containing.end : containing.start;
  const first = new Date(Math.max(start.getTime(), oldest));
  const end = new Date(Math.min(to.getTime(), latest.end.getTime()));
  const windows = scheduleWindowsBetween(config.collectSchedule, first, end);
  if (windows.length === 0) throw invalid('EmptyRange', 'No schedule window has closed within the range');
  if (windows.length > MAX_BACKFILL_WINDOWS) {
    throw invalid(
      'RangeTooLong',
      `The range spans ${windows.length} windows; one request may queue at most ${MAX_BACKFILL_WINDOWS} (split it)`,
    );
  }
  return windows;
}

/** `GET /api/runs/{runId}`: the run's overall status and each customer's part (one for on-demand runs). */
export async function getRun(services: Services, request: HttpRequest): Promise<HttpResponseInit> {
  const { runId } = parseInput(z.object({ runId: runIdSchema }), request.params, 'Route');
  await services.ensureStorage();
  const customers = await services.runs.get(runId);
  if (customers.length === 0) {
    throw new AppError({ kind: 'notFound', code: 'RunNotFound', message: `No run with id "${runId}"` });
  }
  return { status: 200, jsonBody: { runId, status: summarizeRunStatus(customers), customers } };
}

/** One word for a run: still going if any part is; otherwise succeeded only if no part failed. */
function summarizeRunStatus(parts: readonly RunRecord[]): RunRecord['status'] {
  const active = parts.find((p) => ACTIVE_RUN_STATUSES.includes(p.status));
  if (active) return parts.some((p) => p.status === 'running' || p.status === 'retrying') ? 'running' : 'queued';
  if (parts.some((p) => p.status === 'failed')) return 'failed';
  if (parts.some((p) => p.status === 'abandoned')) return 'abandoned';
  if (parts.every((p) => p.status === 'skipped')) return 'skipped';
  return 'succeeded';
}
