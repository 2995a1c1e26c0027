import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';

/**
 * ARM's read bucket per principal × subscription: 250 burst, refilled 25 per second
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling,
 * "Regional throttling and token bucket algorithm").
 */
export const ARM_READ_BURST = 250;
export const ARM_READ_REFILL_PER_SECOND = 25;
/**
 * Reads kept in hand below what the headers say is left: the estimate runs from when an answer arrived,
 * not from when ARM counted it, so it is a little optimistic (about latency × 25 per second).
 */
const ARM_READ_MARGIN = 2;
/** Retries of a 429 that carries no `Retry-After` (the SDK's own policies leave it alone). */
const MAX_THROTTLE_RETRIES = 4;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** No server hint may park a worker longer than this per wait. */
const MAX_WAIT_MS = 60_000;

export interface ThrottlePolicyOptions {
  readonly sleep?: (ms: number, signal?: PipelineRequest['abortSignal']) => Promise<void>;
  /** Milliseconds on a monotonic clock. */
  readonly now?: () => number;
  /** [0, 1): the jitter of a back-off. */
  readonly random?: () => number;
}

interface ArmBudget {
  /** Reads left as the last answer reported, and when it arrived. */
  remaining: number;
  at: number;
  /** Reads admitted since that answer (sent or about to be), which it could not count. */
  admittedSince: number;
  /** Reads admitted and not yet answered. */
  outstanding: number;
  /** Admissions happen one after another, so concurrent calls queue for tokens instead of all taking the same one. */
  gate: Promise<void>;
}

interface GraphQuota {
  remaining: number;
  resetsAt: number;
  admittedSince: number;
  gate: Promise<void>;
}

/**
 * Paces one principal's calls by what Azure says is left, and retries what the SDKs' default policies
 * leave alone. One instance per principal: ARM's buckets are per principal and subscription and Resource
 * Graph's quota per principal, so it lives with that principal's clients (see ArmClientFactory) and is
 * shared by all of them for as long as the credential lives.
 *
 * - ARM reads: every answer carries `x-ms-ratelimit-remaining-subscription-reads`. A read is admitted when
 *   the estimate (last reported + 25/s refill since, at most 250, minus reads admitted since) holds a token;
 *   otherwise it waits for the refill rather than earning a 429 and a Retry-After pause.
 * - Resource Graph: `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after` (hh:mm:ss) on every answer
 *   (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests,
 *   "Understand throttling headers"); a query that would exceed the quota waits for the reset.
 * - A 429 without `Retry-After`: the SDKs retry a 429 only when it names a delay (core-rest-pipeline's
 *   throttlingRetryStrategy reads Retry-After / retry-after-ms / x-ms-retry-after-ms; exponentialRetryStrategy
 *   takes 408 and 5xx only), and Resource Graph answers its RateLimiting 429 without one
 *   (Azure/azure-sdk-for-python#5412, Azure/azure-cli-extensions#3325). Such a 429 waits for the quota reset
 *   the answer names, else backs off exponentially with full jitter (1 s, 2 s, 4 s, ... ≤ 30 s), at most
 *   MAX_THROTTLE_RETRIES times. 5xx, including the batch API's 529, are already retried by the SDK's
 *   exponential strategy and are not retried again here.
 * Placed per call, outside the SDK's retry loop.
 */
export function createThrottlePolicy(options: ThrottlePolicyOptions = {}): PipelinePolicy {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? Math.random;
  const budgets = new Map<string, ArmBudget>();
  const graph: GraphQuota = {
    remaining: Number.POSITIVE_INFINITY,
    resetsAt: 0,
    admittedSince: 0,
    gate: Promise.resolve(),
  };

  const admitArmRead = (subscription: string, signal: PipelineRequest['abortSignal']): Promise<ArmBudget> => {
    let budget = budgets.get(subscription);
    if (!budget) {
      // Nothing reported yet: the first answers tell where the bucket stands.
      budget = { remaining: ARM_READ_BURST, at: now(), admittedSince: 0, outstanding: 0, gate: Promise.resolve() };
      budgets.set(subscription, budget);
    }
    const b = budget;
    const admitted = b.gate.then(async () => {
      for (;;) {
        const refilled = Math.min(ARM_READ_BURST, b.remaining + ((now() - b.at) / 1000) * ARM_READ_REFILL_PER_SECOND);
        const missing = 1 + ARM_READ_MARGIN - (refilled - b.admittedSince);
        if (missing <= 1e-9) break; // float dust must not become a zero-length sleep
        await sleep(Math.min(MAX_WAIT_MS, (missing / ARM_READ_REFILL_PER_SECOND) * 1000), signal);
      }
      b.admittedSince += 1;
      b.outstanding += 1;
    });
    b.gate = admitted.catch(() => undefined);
    return admitted.then(() => b);
  };

  const admitGraphQuery = (signal: PipelineRequest['abortSignal']): Promise<void> => {
    const admitted = graph.gate.then(async () => {
      while (graph.admittedSince >= graph.remaining && now() < graph.resetsAt) {
        await sleep(Math.min(MAX_WAIT_MS, graph.resetsAt - now()), signal);
      }
      if (now() >= graph.resetsAt && graph.admittedSince >= graph.remaining) {
        // The window reset: the quota is whole again until the next answer says otherwise.
        graph.remaining = Number.POSITIVE_INFINITY;
        graph.admittedSince = 0;
      }
      graph.admittedSince += 1;
    });
    graph.gate = admitted.catch(() => undefined);
    return admitted;
  };

  return {
    name: 'customerThrottlePolicy',
    async sendRequest(request, next) {
      const subscription = request.method === 'GET' ? subscriptionOf(request.url) : undefined;
      const isGraphQuery = request.method === 'POST' && RESOURCE_GRAPH_PATH.test(pathOf(request.url));
      for (let attempt = 0; ; attempt++) {
        let response: PipelineResponse;
        if (subscription) {
          const budget = await admitArmRead(subscription, request.abortSignal);
          try {
            response = await next(request);
          } finally {
            budget.outstanding -= 1;
          }
          const remaining = headerNumber(response, 'x-ms-ratelimit-remaining-subscription-reads');
          if (remaining !== undefined) {
            // Reads still unanswered may not be in this count yet: keep them reserved.
            Object.assign(budget, { remaining, at: now(), admittedSince: budget.outstanding });
          }
        } else if (isGraphQuery) {
          await admitGraphQuery(request.abortSignal);
          response = await next(request);
          const remaining = headerNumber(response, 'x-ms-user-quota-remaining');
          const resetsAfterMs = parseQuotaResetMs(response.headers.get('x-ms-user-quota-resets-after'));
          if (remaining !== undefined && resetsAfterMs !== undefined) {
            Object.assign(graph, { remaining, resetsAt: now() + resetsAfterMs, admittedSince: 0 });
          }
        } else {
          response = await next(request);
        }
        if (response.status !== 429 || hasRetryAfter(response) || attempt >= MAX_THROTTLE_RETRIES) return response;
        const quotaResetMs = parseQuotaResetMs(response.headers.get('x-ms-user-quota-resets-after'));
        const waitMs =
          quotaResetMs !== undefined && quotaResetMs > 0
            ? quotaResetMs
            : random() * Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
        await sleep(Math.min(MAX_WAIT_MS, waitMs), request.abortSignal);
      }
    },
  };
}

/** `{ policy, position }` for a client's `additionalPolicies`. */
export function throttlePolicyEntry(): { policy: PipelinePolicy; position: 'perCall' } {
  return { policy: createThrottlePolicy(), position: 'perCall' };
}

/** The path of Resource Graph's query API (`POST {arm}/providers/Microsoft.ResourceGraph/resources`). */
const RESOURCE_GRAPH_PATH = /\/providers\/microsoft\.resourcegraph\/resources$/i;

/** The headers the SDK's throttling strategy honours (ts-http-runtime throttlingRetryStrategy). */
function hasRetryAfter(response: PipelineResponse): boolean {
  return ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'].some((h) => !!response.headers.get(h));
}

function headerNumber(response: PipelineResponse, name: string): number | undefined {
  const value = response.headers.get(name);
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** `hh:mm:ss` (x-ms-user-quota-resets-after) in milliseconds; undefined when absent or malformed. */
export function parseQuotaResetMs(value: string | undefined): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2})$/.exec(value ?? '');
  if (!match) return undefined;
  return (Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/{2,}/g, '/');
  } catch {
    return '';
  }
}

function subscriptionOf(url: string): string | undefined {
  return /\/subscriptions\/([0-9a-f-]{36})/i.exec(url)?.[1]?.toLowerCase();
}

function defaultSleep(ms: number, signal?: PipelineRequest['abortSignal']): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('The operation was aborted.'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('The operation was aborted.'));
      },
      { once: true },
    );
  });
}
