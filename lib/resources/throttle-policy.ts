import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';

/** ARM's read bucket refill (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling). */
export const ARM_READ_REFILL_PER_SECOND = 25;
/** Attempts for a throttled call the SDK's own policy does not retry (429 without Retry-After, 529). */
const MAX_THROTTLE_RETRIES = 4;
const FIRST_BACKOFF_MS = 1000;
const MAX_WAIT_MS = 60_000;

/**
 * Paces one principal's calls by what Azure says is left, and retries what the SDKs' default
 * policies leave alone:
 * - ARM answers every read with `x-ms-ratelimit-remaining-subscription-reads`; when a subscription's
 *   estimated budget (last reported, plus the bucket's refill since, minus calls sent since) is spent,
 *   the next read to it waits for a token instead of earning a 429 and a Retry-After pause.
 * - A 429 without `Retry-After` (the SDKs retry only when it is present) and the metrics batch API's
 *   529 are retried with `Retry-After` when given, else exponential back-off.
 * One instance per principal (ARM's buckets are per principal and subscription): it lives with that
 * principal's clients. Placed per call, outside the SDK's own retry loop.
 */
export function createThrottlePolicy(sleep = defaultSleep): PipelinePolicy {
  const budgets = new Map<string, { remaining: number; at: number; sentSince: number }>();
  return {
    name: 'customerThrottlePolicy',
    async sendRequest(request, next) {
      const subscription = request.method === 'GET' ? subscriptionOf(request.url) : undefined;
      let response: PipelineResponse | undefined;
      for (let attempt = 0; ; attempt++) {
        if (subscription) {
          const budget = budgets.get(subscription);
          if (budget) {
            const available =
              budget.remaining + ((Date.now() - budget.at) / 1000) * ARM_READ_REFILL_PER_SECOND - budget.sentSince;
            if (available < 1)
              await sleep(
                Math.min(MAX_WAIT_MS, ((1 - available) / ARM_READ_REFILL_PER_SECOND) * 1000),
                request.abortSignal,
              );
            budget.sentSince += 1;
          }
        }
        response = await next(request);
        const remaining = Number(response.headers.get('x-ms-ratelimit-remaining-subscription-reads') ?? NaN);
        if (subscription && Number.isFinite(remaining)) {
          budgets.set(subscription, { remaining, at: Date.now(), sentSince: 0 });
        }
        const throttled = response.status === 529 || (response.status === 429 && !response.headers.get('retry-after'));
        if (!throttled || attempt >= MAX_THROTTLE_RETRIES) return response;
        const retryAfterSeconds = Number(response.headers.get('retry-after') ?? NaN);
        const waitMs = Number.isFinite(retryAfterSeconds)
          ? retryAfterSeconds * 1000
          : FIRST_BACKOFF_MS * 2 ** attempt * (0.8 + Math.random() * 0.4);
        await sleep(Math.min(MAX_WAIT_MS, waitMs), request.abortSignal);
      }
    },
  };
}

/** `{ policy, position }` for a client's `additionalPolicies`. */
export function throttlePolicyEntry(): { policy: PipelinePolicy; position: 'perCall' } {
  return { policy: createThrottlePolicy(), position: 'perCall' };
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
