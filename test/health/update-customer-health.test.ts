import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import { HEALTH_CHANGED_EVENT, updateCustomerHealth } from '../../lib/health/update-customer-health';
import { getHealth } from '../../lib/http/health-handler';
import { recentWindow } from '../support/recent-window';
import { startTestApp, recordingLogger, type TestApp } from '../support/start-test-app';

let app: TestApp;
const DAY = 86_400_000;
const logLines: string[] = [];

function context(): InvocationContext {
  return new InvocationContext({
    functionName: 'collect-customer',
    invocationId: 'test',
    triggerMetadata: { dequeueCount: 1 },
    logHandler: (_level, ...args) => logLines.push(args.map(String).join(' ')),
  });
}

/** Runs the queue worker for one customer, as the host would for hourly run `n` (its own window). */
async function run(customerId: string, n: number): Promise<void> {
  const message = {
    version: 1,
    runId: `health-run-${n}`,
    customerId,
    ...recentWindow(200 - n),
    trigger: 'schedule',
  };
  await handleCollectMessage(app.services, message, context()).catch(() => undefined);
}

function healthEvents(customerId: string): Array<Record<string, unknown>> {
  return logLines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.event === HEALTH_CHANGED_EVENT && e.customerId === customerId);
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('updateCustomerHealth', () => {
  it('says at once that the customer must act on an expired secret, counts its failed windows, and emits one event', async () => {
    const states: string[] = [];
    for (let n = 1; n <= 6; n++) {
      await run('fabrikam', n);
      states.push((await app.services.health.find('fabrikam'))!.state);
    }
    expect(states).toEqual(Array(6).fill('actionRequired'));
    expect(await app.services.health.find('fabrikam')).toMatchObject({ mustAct: 'customer', consecutiveFailures: 6 });
    const events = healthEvents('fabrikam');
    expect(events.map((e) => `${String(e.oldState)}->${String(e.newState)}`)).toEqual(['unknown->actionRequired']);
    expect(events[0]).toMatchObject({
      code: 'AADSTS7000222',
      reason: 'customer must act: 1 consecutive failed window: AADSTS7000222',
    });
  });

  it('is healthy again after a success, and says so once', async () => {
    // Fabrikam's customer shares a fresh secret: a new app secret and a new vault version.
    const { state } = app.env.sandbox;
    const { tenantId, clientId } = app.env.scenario.customers.find((c) => c.id === 'fabrikam')!;
    const value = 'fresh-fabrikam-secret-value-0123456789';
    state.addClientSecret(tenantId, clientId, { value, expiresAt: new Date(Date.now() + 100 * DAY) });
    state.setVaultSecret('customer-fabrikam-secret', value, { expiresOn: new Date(Date.now() + 100 * DAY) });
    app.services.secrets.forget('customer-fabrikam-secret');
    await run('fabrikam', 7);
    expect(await app.services.health.find('fabrikam')).toMatchObject({
      state: 'healthy',
      consecutiveFailures: 0,
      secretExpiry: 'ok',
    });
    expect(healthEvents('fabrikam').at(-1)).toMatchObject({ oldState: 'actionRequired', newState: 'healthy' });
  });

  it('warns when the secret expires within 30 days, is critical within 7, and warns without an expiry date', async () => {
    const { state } = app.env.sandbox;
    const value = state.findVaultSecret('customer-contoso-secret')!.value;
    const levels: Array<[string, number | undefined]> = [];
    for (const expiresOn of [new Date(Date.now() + 20 * DAY), new Date(Date.now() + 5 * DAY), undefined]) {
      state.setVaultSecret('customer-contoso-secret', value, expiresOn ? { expiresOn } : {});
      // As in a worker run: the run reads the (rotated) secret, then health takes its expiry from that read.
      app.services.secrets.forget('customer-contoso-secret');
      await app.services.secrets.read({ id: 'contoso', secretName: 'customer-contoso-secret' });
      const health = await updateCustomerHealth(
        app.services,
        (await app.services.registry.get('contoso'))!,
        recordingLogger(),
      );
      levels.push([health.secretExpiry, health.daysToExpiry]);
    }
    expect(levels).toEqual([
      ['warning', 19],
      ['critical', 4],
      ['none', undefined],
    ]);
  });

  it('GET /api/health shows contoso healthy and the failing customers with their reasons', async () => {
    for (const id of ['contoso', 'northwind', 'tailspin']) await run(id, 100);
    const response = await getHealth(app.services);
    const body = response.jsonBody as { customers: Array<Record<string, unknown>>; counts: Record<string, number> };
    const byId = Object.fromEntries(body.customers.map((c) => [c.customerId, c]));
    expect(byId.contoso).toMatchObject({ state: 'healthy', secretExpiry: 'none' });
    expect(byId.contoso?.lastSuccessAt).toBeDefined();
    expect(byId.northwind).toMatchObject({
      state: 'actionRequired',
      mustAct: 'customer',
      consecutiveFailures: 1,
      code: 'AuthorizationFailed',
    });
    expect(byId.tailspin).toMatchObject({
      state: 'actionRequired',
      code: 'ManagedIdentityNotInCustomerTenant',
      consecutiveFailures: 1,
    });
    expect(body.counts.actionRequired).toBeGreaterThanOrEqual(2);
  });

  it('keeps the recorded expiry in the timer sweep, without reading Key Vault', async () => {
    const contoso = (await app.services.registry.get('contoso'))!;
    const before = await app.services.health.find('contoso');
    app.services.secrets.forget('customer-contoso-secret');
    app.env.sandbox.requests.clear();
    const health = await updateCustomerHealth(app.services, contoso, recordingLogger());
    expect(app.env.sandbox.requests.list('vault')).toEqual([]);
    expect(health.secretExpiry).toBe(before?.secretExpiry);
  });
});
