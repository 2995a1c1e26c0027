import { InvocationContext } from '@azure/functions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import { MAX_DEQUEUE_COUNT, UNKNOWN_ERROR_ATTEMPTS } from '../../lib/collect/record-run-progress';
import { isAppError } from '../../lib/errors/app-error';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { recentWindow } from '../support/recent-window';
import { startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;

const windowOf = recentWindow(3);
const message = (customerId: string, runId: string) => ({
  version: 1,
  runId,
  customerId,
  ...windowOf,
  trigger: 'schedule',
});

function context(dequeueCount: number): InvocationContext {
  return new InvocationContext({
    functionName: 'collect-customer',
    invocationId: `attempt-${dequeueCount}`,
    triggerMetadata: { dequeueCount },
    logHandler: () => undefined,
  });
}

/** One delivery of the message, as the host makes it: `thrown` is what the host sees (retry or poison). */
async function deliver(customerId: string, runId: string, dequeueCount: number) {
  let thrown: unknown;
  await handleCollectMessage(app.services, message(customerId, runId), context(dequeueCount)).catch((e: unknown) => {
    thrown = e;
  });
  return { thrown, run: await app.services.runs.find(runId, customerId) };
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());
afterEach(() => app.env.sandbox.state.clearFaults());

describe('handleCollectMessage: what an attempt outcome means', () => {
  it('transient (Entra throttles the token request, AADSTS90055): every attempt throws for the host to retry; the last is recorded failed', async () => {
    const { tenantId } = DEMO_IDS.northwind;
    app.env.sandbox.state.injectFault({
      service: 'entra',
      match: (p) => p === `/${tenantId}/oauth2/v2.0/token`,
      status: 429,
      times: 100,
    });
    const runId = '20261122T0800Z-7a000001';
    for (let attempt = 1; attempt < MAX_DEQUEUE_COUNT; attempt++) {
      const { thrown, run } = await deliver('northwind', runId, attempt);
      expect(isAppError(thrown) && thrown.retryable).toBe(true);
      expect(run).toMatchObject({ status: 'retrying', attempts: attempt, errorCode: 'AADSTS90055' });
    }
    const last = await deliver('northwind', runId, MAX_DEQUEUE_COUNT);
    expect(isAppError(last.thrown) && last.thrown.retryable).toBe(true); // the host moves it to the poison queue
    expect(last.run).toMatchObject({ status: 'failed', attempts: MAX_DEQUEUE_COUNT, errorCode: 'AADSTS90055' });
  });

  it('permanent (fabrikam, expired secret AADSTS7000222): recorded at the first attempt, never retried', async () => {
    const { thrown, run } = await deliver('fabrikam', '20261122T0800Z-7a000002', 1);
    expect(thrown).toBeUndefined();
    expect(run).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'AADSTS7000222' });
  });

  it(`unknown (ARM 401 for a deleted app's cached token): retried until attempt ${UNKNOWN_ERROR_ATTEMPTS}, then recorded`, async () => {
    const { tenantId, clientId } = DEMO_IDS.contoso;
    await deliver('contoso', '20261122T0800Z-7a000003', 1); // caches contoso's credential and token
    app.env.sandbox.state.deleteApp(tenantId, clientId);
    try {
      const runId = '20261122T0800Z-7a000004';
      for (let attempt = 1; attempt < UNKNOWN_ERROR_ATTEMPTS; attempt++) {
        const { thrown, run } = await deliver('contoso', runId, attempt);
        expect(isAppError(thrown) && thrown.code).toBe('InvalidAuthenticationToken');
        expect(run).toMatchObject({ status: 'retrying', attempts: attempt });
      }
      const last = await deliver('contoso', runId, UNKNOWN_ERROR_ATTEMPTS);
      expect(last.thrown).toBeUndefined();
      expect(last.run).toMatchObject({
        status: 'failed',
        attempts: UNKNOWN_ERROR_ATTEMPTS,
        errorCode: 'InvalidAuthenticationToken',
      });
    } finally {
      app.env.sandbox.state.deleteApp(tenantId, clientId, true);
    }
  });

  it('drops a message whose window is not one schedule interval, or is still open, without touching any record', async () => {
    const shifted = {
      ...message('contoso', '20261122T0800Z-7a000005'),
      windowStart: recentWindow(4).windowStart.replace(':00:00', ':30:00'),
    };
    const open = { ...message('contoso', '20261122T0800Z-7a000006'), ...recentWindow(-1) };
    for (const bad of [shifted, open]) {
      await handleCollectMessage(app.services, bad, context(1)); // returns: the host deletes it, no retry
      expect(await app.services.runs.find(bad.runId, 'contoso')).toBeUndefined();
    }
  });

  it("drops a message that reuses another run's id for a different window, leaving that run's record as it was", async () => {
    const before = await app.services.runs.find('20261122T0800Z-7a000002', 'fabrikam');
    expect(before?.status).toBe('failed');
    const forged = { ...message('fabrikam', '20261122T0800Z-7a000002'), ...recentWindow(9) };
    await handleCollectMessage(app.services, forged, context(1));
    expect(await app.services.runs.find('20261122T0800Z-7a000002', 'fabrikam')).toEqual(before);
  });
});
