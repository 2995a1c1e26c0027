import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../lib/app/create-services';
import { loadConfig } from '../../lib/config/load-config';
import { buildBenchScenario } from '../../lib/bench/build-bench-scenario';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { runConnectionTest } from '../../lib/diagnose/run-connection-test';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
// The collector's clock moves on (re-probe after a day); the cloud keeps real time so tokens stay valid.
let services: Services;
let clock = new Date('2026-11-22T09:05:00Z');
const scenario = buildBenchScenario({ customers: 1, resourcesPerCustomer: 3, metricsPerResource: 2 });
const customer = scenario.customers.find((c) => c.id === 'bench-0')!;
const objectId = scenario.seed.apps!.find((a) => a.clientId === customer.clientId)!.objectId!;
const subscriptionScope = `/subscriptions/${/\/subscriptions\/([^/]+)/.exec(customer.resources![0]!.resourceId)![1]}`;
const message = (hour: number): CollectMessage => ({
  version: 1,
  runId: `20261122T${String(hour).padStart(2, '0')}00Z-fallback`,
  customerId: 'bench-0',
  windowStart: new Date(Date.UTC(2026, 10, 22, hour)).toISOString(),
  windowEnd: new Date(Date.UTC(2026, 10, 22, hour + 1)).toISOString(),
  trigger: 'schedule',
});

beforeAll(async () => {
  app = await startTestApp({ scenario });
  services = createServices(loadConfig(process.env), () => clock);
  // The customer grants Reader on each resource, not on the subscription: ARM reads work, the batch API refuses.
  app.env.sandbox.state.removeRole(objectId, subscriptionScope);
  for (const r of customer.resources!) app.env.sandbox.state.assignRole(objectId, r.resourceId, 'Reader');
});
afterAll(async () => app?.close());

const calls = () => app.env.sandbox.requests.counts();

describe('metrics batch fallback', () => {
  it('collects a customer without a subscription-scope role per resource and says why', async () => {
    app.env.sandbox.requests.clear();
    const result = await collectCustomer(message(8), services, recordingLogger());
    expect(result.outcome).toBe('ok');
    expect(result.datapointsWritten).toBe(3 * 2 * 80); // 3 VMs × 2 metrics × (60 minutes + 20 of look-back)
    expect(calls()['metrics getBatch']).toBe(1); // one refused batch (401), then per resource
    expect(calls()['arm metrics']).toBe(3);
    const status = await services.statuses.find('bench-0');
    expect(status).toMatchObject({
      outcome: 'ok',
      metricsMode: 'perResource',
      metricsModeReason: 'MetricsBatchUnauthorized',
    });
  });

  it('says so in the connection test, with the one role assignment that enables batch', async () => {
    const report = await runConnectionTest((await services.registry.find('bench-0'))!, services);
    expect(report.ok).toBe(true); // per resource works: advice, not a problem
    const metrics = report.stages.find((s) => s.stage === 'metrics');
    expect(metrics?.detail).toContain('metrics batch API refused');
    expect(metrics?.detail).toContain(
      `az role assignment create --assignee-object-id ${objectId} --assignee-principal-type ServicePrincipal --role 'Monitoring Reader' --scope '${subscriptionScope}'`,
    );
  });

  it('remembers the refusal: the next hours go straight to per-resource calls', async () => {
    clock = new Date('2026-11-22T10:05:00Z');
    app.env.sandbox.requests.clear();
    const result = await collectCustomer(message(9), services, recordingLogger());
    expect(result.outcome).toBe('ok');
    expect(calls()['metrics getBatch']).toBeUndefined();
    expect(calls()['arm metrics']).toBe(3);
  });

  it('switches to batch at the next probe after the role is granted at subscription scope', async () => {
    app.env.sandbox.state.assignRole(objectId, subscriptionScope, 'Monitoring Reader');
    clock = new Date('2026-11-22T11:05:00Z');
    app.env.sandbox.requests.clear();
    await collectCustomer(message(10), services, recordingLogger());
    expect(calls()['metrics getBatch']).toBeUndefined(); // not re-probed yet: the refusal is 2 h old
    clock = new Date('2026-11-23T09:05:00Z'); // a day after the refusal
    app.env.sandbox.requests.clear();
    const result = await collectCustomer(message(11), services, recordingLogger());
    expect(result.outcome).toBe('ok');
    expect(calls()['metrics getBatch']).toBe(1);
    expect(calls()['arm metrics']).toBeUndefined();
    expect(await services.statuses.find('bench-0')).toMatchObject({ metricsMode: 'batch' });
    const report = await runConnectionTest((await services.registry.find('bench-0'))!, services);
    expect(report.stages.find((s) => s.stage === 'metrics')?.detail).toContain('readable in 1 subscription(s)');
  });
});
