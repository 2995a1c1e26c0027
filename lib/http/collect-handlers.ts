import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { collectQueueOutput } from '../app/bindings';
import type { Services } from '../app/create-services';
import { closedWindow } from '../collect/closed-window';
import type { CollectMessage } from '../collect/collect-message';
import { newRunId } from '../collect/plan-collection-run';
import { AppError } from '../errors/app-error';
import { contextLogger } from '../logging/logger';
import { ACTIVE_RUN_STATUSES, type RunRecord } from '../store/run-store';
import { parseInput } from './parse-input';
import { loadRouteCustomer } from './route-customer';

const runIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'must be a run id (letters, digits, hyphens)');

/**
 * `POST /api/customers/{id}/collect`: queues a collection of the latest closed window through the same
 * queue and worker as the timer (the message goes out through the output binding, so only when this
 * function succeeds). While a request for the same window is queued or running, another one joins it
 * instead of doing the work twice. 202 with the run id; poll `GET /api/runs/{runId}`.
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
  const window = closedWindow(services.config.collectSchedule, now);
  const windowStart = window.start.toISOString();
  const windowEnd = window.end.toISOString();
  const claim = await services.runs.claimWindow(id, windowStart, newRunId(window.start));
  const accepted = (status: string, deduplicated: boolean): HttpResponseInit => {
    const statusUrl = `/api/runs/${claim.runId}`;
    return {
      status: 202,
      headers: { location: statusUrl },
      jsonBody: { runId: claim.runId, customerId: id, windowStart, windowEnd, status, deduplicated, statusUrl },
    };
  };
  if (!claim.claimed) {
    const existing = await services.runs.find(claim.runId, id);
    return accepted(existing?.status ?? 'queued', true);
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
  context.extraOutputs.set(collectQueueOutput, [message]);
  contextLogger(context).info(`Queued on-demand collection ${claim.runId} of ${id}`, {
    runId: claim.runId,
    customerId: id,
    windowStart,
  });
  return accepted('queued', false);
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
