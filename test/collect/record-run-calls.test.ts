import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import { runOutcomeOf } from '../../lib/collect/run-outcome-of';
import { toRunRow } from '../../lib/export/to-export-rows';
import { recentWindow } from '../support/recent-window';
import { startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
const RUN = '20261122T0800Z-c0570001';

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('what an attempt cost in the customer tenant', () => {
  it("records calls, throttled answers and Azure's reported metrics cost on the run and the status", async () => {
    // Per resource: Metrics_List answers carry `cost` (GetMetric.json); batch answers have none.
    const services = { ...app.services, settings: { ...app.services.settings, metricsMode: 'perResource' as const } };
    // One metrics read is throttled without Retry-After: the throttle policy backs off and retries it.
    app.env.sandbox.state.injectFault({
      service: 'arm',
      match: (path) => path.includes('vm-contoso-gw/providers/Microsoft.Insights/metrics'),
      status: 429,
      times: 1,
    });
    app.env.sandbox.requests.clear();
    const context = new InvocationContext({
      functionName: 'collect-customer',
      invocationId: 'attempt-1',
      triggerMetadata: { dequeueCount: 1 },
      logHandler: () => undefined,
    });
    const message = { version: 1, runId: RUN, customerId: 'contoso', ...recentWindow(2), trigger: 'schedule' };
    await handleCollectMessage(services, message, context);

    const run = await app.services.runs.find(RUN, 'contoso');
    const counts = app.env.sandbox.requests.counts();
    const sandboxMetrics = counts['arm metrics'] ?? 0;
    expect(run).toMatchObject({ status: 'succeeded', throttledCalls: 1, metricsCalls: sandboxMetrics });
    expect(sandboxMetrics).toBe(3); // the PBI capacity, the VM, and the VM again after the 429
    expect(run?.calls).toBeGreaterThanOrEqual(sandboxMetrics);
    // The same number seen twice: summed from the audit of every answer, and from the SDK's parsed answers.
    const status = await app.services.statuses.find('contoso');
    expect(run?.metricsCost).toBeGreaterThan(0);
    expect(status?.metricsCost).toBe(run?.metricsCost);
    // The audit keeps each Metrics_List answer's cost.
    const audit = await app.services.audit.query('contoso', new Date(Date.now() - 3_600_000), new Date(), 1000);
    const costs = audit.filter((e) => e.runId === RUN && e.operation === 'metrics.list').map((e) => e.cost ?? 0);
    expect(costs.reduce((a, b) => a + b, 0)).toBe(run?.metricsCost);

    // The analytics row of the attempt carries them too.
    const row = toRunRow(
      runOutcomeOf(
        message as Parameters<typeof runOutcomeOf>[0],
        1,
        { customerId: 'contoso', outcome: 'ok', datapointsWritten: 1, resources: [] },
        { calls: 7, metricsCalls: 3, throttledCalls: 1, metricsCost: 42 },
        undefined,
        new Date(),
      ),
      new Date().toISOString(),
    );
    expect(row).toMatchObject({ Calls: 7, MetricsCalls: 3, ThrottledCalls: 1, MetricsCost: 42 });
  });
});
