import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECT_QUEUE } from '../../lib/app/storage-names';
import { MAX_DEQUEUE_COUNT } from '../../lib/collect/record-run-progress';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import type { LocalHost } from '../../lib/local/host/start-local-host';
import { startFastRetryHost } from '../support/start-fast-retry-host';
import { startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
let host: LocalHost;
const hostLog: string[] = [];
const { tenantId } = DEMO_IDS.contoso;
const tokenPath = `/${tenantId}/oauth2/v2.0/token`;

beforeAll(async () => {
  app = await startTestApp();
  host = await startFastRetryHost(app, hostLog);
});
afterAll(async () => {
  await host?.close();
  await app?.close();
});

describe('an Entra outage in one customer tenant (every token call answers 503 AADSTS90033)', () => {
  it('retries the window through the queue, then poisons it and records the transient code, never a permanent failure', async () => {
    app.env.sandbox.state.injectFault({ service: 'entra', match: (p) => p === tokenPath, status: 503, times: 10_000 });
    app.env.sandbox.requests.clear();
    await host.runTimer('collect-schedule');
    await host.waitForIdle();

    const poison = QueueServiceClient.fromConnectionString(app.env.azurite.connectionString).getQueueClient(
      `${COLLECT_QUEUE}-poison`,
    );
    const poisoned = (await poison.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map(
      (m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as { customerId: string; runId: string },
    );
    expect(poisoned.map((m) => m.customerId)).toEqual(['contoso']);

    const run = await app.services.runs.find(poisoned[0]!.runId, 'contoso');
    expect(run).toMatchObject({ status: 'failed', attempts: MAX_DEQUEUE_COUNT, errorCode: 'AADSTS90033' });
    const status = await app.services.statuses.find('contoso');
    expect(status).toMatchObject({ outcome: 'failed', errorStage: 'token', errorCode: 'AADSTS90033' });

    // The first attempt sends the token request plus the SDK's 3 retries. MSAL then keeps the 503 in the
    // credential's throttling cache for 60 s (msal-common ThrottlingUtils, DEFAULT_THROTTLE_TIME_SECONDS), so
    // the immediate queue retries fail from that cache without calling Entra again: still transient.
    const tokenCalls = app.env.sandbox.requests.list('entra').filter((r) => r.path === tokenPath);
    expect(tokenCalls.every((r) => r.status === 503)).toBe(true);
    expect(tokenCalls.length).toBe(4);
    const armCallsForContoso = app.env.sandbox.requests
      .list('arm')
      .filter((r) => r.path.includes(DEMO_IDS.contoso.subscriptionId));
    expect(armCallsForContoso).toEqual([]);
  });
});
