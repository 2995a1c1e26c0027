import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { ARM_READ_REFILL_PER_SECOND, createThrottlePolicy } from '../../lib/resources/throttle-policy';

const SUB = '11111111-2222-4333-8444-555555555555';
const ARM_GET = `https://management.azure.com/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/Microsoft.Insights/metrics`;
const GRAPH = 'https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01';

/** A clock that only moves when the policy sleeps: waits are read from it, never measured. */
function fakeClock() {
  const clock = { at: 0, slept: [] as number[] };
  return {
    clock,
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.at += ms;
    },
  };
}

function answer(request: PipelineRequest, status: number, headers: Record<string, string>): PipelineResponse {
  return { request, status, headers: createHttpHeaders(headers) };
}

describe('createThrottlePolicy', () => {
  it('waits for the refill once the reported reads are spent, instead of sending into a 429', async () => {
    const { clock, now, sleep } = fakeClock();
    const policy = createThrottlePolicy({ now, sleep });
    const reporting = (left: string) => async (request: PipelineRequest) =>
      answer(request, 200, { 'x-ms-ratelimit-remaining-subscription-reads': left });
    // 3 reads left: one more fits above the safety margin of 2 without waiting.
    await policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), reporting('3'));
    await policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), reporting('0'));
    expect(clock.slept).toEqual([]);
    // 0 left: the next read waits until the 25/s refill holds 1 token plus the margin (3 / 25 s).
    await policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), reporting('0'));
    expect(clock.slept.map((ms) => Math.round(ms))).toEqual([(3 / ARM_READ_REFILL_PER_SECOND) * 1000]);
  });

  it('queues concurrent reads one token apart rather than letting them all take the same token', async () => {
    const { clock, now, sleep } = fakeClock();
    const policy = createThrottlePolicy({ now, sleep });
    const prime = async (request: PipelineRequest) =>
      answer(request, 200, { 'x-ms-ratelimit-remaining-subscription-reads': '0' });
    await policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), prime);
    const sentAt: number[] = [];
    const pending: Array<(r: PipelineResponse) => void> = [];
    const held = (request: PipelineRequest) =>
      new Promise<PipelineResponse>((resolve) => {
        sentAt.push(clock.at);
        pending.push(() => resolve(answer(request, 200, {})));
      });
    const calls = [1, 2, 3, 4].map(() =>
      policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), held),
    );
    while (sentAt.length < 4) await new Promise((resolve) => setImmediate(resolve));
    for (const release of pending) release({} as PipelineResponse);
    await Promise.all(calls);
    // The first waits for 3 tokens (1 + the margin of 2), each next one for one more token of refill.
    const tokenMs = 1000 / ARM_READ_REFILL_PER_SECOND;
    const waits = clock.slept.filter((ms) => ms > 1).map((ms) => Math.round(ms));
    expect(waits).toEqual([3 * tokenMs, tokenMs, tokenMs, tokenMs]);
  });

  it('retries a 429 without Retry-After with a bounded, jittered exponential back-off', async () => {
    const { clock, now, sleep } = fakeClock();
    const policy = createThrottlePolicy({ now, sleep, random: () => 0.5 });
    let calls = 0;
    const response = await policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), async (r) => {
      calls += 1;
      return answer(r, calls < 4 ? 429 : 200, {});
    });
    expect(response.status).toBe(200);
    expect(clock.slept).toEqual([500, 1000, 2000]);
  });

  it('gives up after four retries and hands the 429 to the caller', async () => {
    const { now, sleep } = fakeClock();
    const policy = createThrottlePolicy({ now, sleep, random: () => 0.99 });
    let calls = 0;
    const response = await policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), async (r) => {
      calls += 1;
      return answer(r, 429, {});
    });
    expect(response.status).toBe(429);
    expect(calls).toBe(5);
  });

  it("leaves a 429 with Retry-After and the batch API's 529 to the SDK's own retry strategies", async () => {
    const { clock, now, sleep } = fakeClock();
    const policy = createThrottlePolicy({ now, sleep });
    for (const [status, headers] of [
      [429, { 'retry-after': '2' }],
      [429, { 'retry-after-ms': '200' }],
      [529, {}],
    ] as const) {
      let calls = 0;
      const response = await policy.sendRequest(createPipelineRequest({ url: ARM_GET, method: 'GET' }), async (r) => {
        calls += 1;
        return answer(r, status, headers);
      });
      expect(response.status).toBe(status);
      expect(calls).toBe(1);
    }
    expect(clock.slept).toEqual([]);
  });

  it("waits out Resource Graph's quota window when the last answer left no queries", async () => {
    const { clock, now, sleep } = fakeClock();
    const policy = createThrottlePolicy({ now, sleep });
    const graph = async (r: PipelineRequest) =>
      answer(r, 200, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:04' });
    await policy.sendRequest(createPipelineRequest({ url: GRAPH, method: 'POST' }), graph);
    expect(clock.slept).toEqual([]);
    await policy.sendRequest(createPipelineRequest({ url: GRAPH, method: 'POST' }), graph);
    expect(clock.slept).toEqual([4000]);
  });

  it("retries Resource Graph's RateLimiting 429 after the quota reset it names", async () => {
    const { clock, now, sleep } = fakeClock();
    const policy = createThrottlePolicy({ now, sleep, random: () => 0.5 });
    let calls = 0;
    const response = await policy.sendRequest(createPipelineRequest({ url: GRAPH, method: 'POST' }), async (r) => {
      calls += 1;
      return calls === 1
        ? answer(r, 429, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:03' })
        : answer(r, 200, { 'x-ms-user-quota-remaining': '14', 'x-ms-user-quota-resets-after': '00:00:05' });
    });
    expect(response.status).toBe(200);
    expect(clock.slept).toEqual([3000]);
  });
});
