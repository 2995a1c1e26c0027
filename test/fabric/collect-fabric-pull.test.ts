import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import { detectModelShape } from '../../lib/fabric/capacity-metrics-model';
import { PowerBiClient } from '../../lib/fabric/power-bi-client';
import { getCustomerMetrics } from '../../lib/http/metrics-handlers';
import { runConnectionTest } from '../../lib/diagnose/run-connection-test';
import { buildCustomerDetail } from '../../lib/dashboard/build-customer-detail';
import { renderCustomerDetail } from '../../lib/dashboard/render-customer-detail';
import { buildDemoScenario, DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { FABRIC_DEMO_IDS } from '../../lib/local/demo/add-fabric-demo';
import type { SandboxModelVersion } from '../../lib/local/sandbox/power-bi/capacity-metrics-model-versions';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
// The last closed hour: the sandbox model holds timepoints up to 12 minutes ago (the app's lag).
const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
const start = new Date(end.getTime() - 3_600_000);
let runs = 0;
const message = (customerId: string): CollectMessage => ({
  version: 1,
  runId: `20261122T0800Z-${(++runs).toString(16).padStart(8, '0')}`,
  customerId,
  windowStart: start.toISOString(),
  windowEnd: end.toISOString(),
  trigger: 'schedule',
});
const FABRIC = /Microsoft\.Fabric\/capacities\/fabriccontoso$/;
const contosoDataset = () => app.env.sandbox.state.powerBi.workspaces[0]!.datasets[0]!;

beforeAll(async () => {
  app = await startTestApp({ scenario: buildDemoScenario(new Date(), { fabric: true }) });
});
afterAll(async () => app?.close());
beforeEach(async () => {
  app.env.sandbox.requests.clear();
  contosoDataset().modelVersion = 'v53';
});

async function contosoClient(): Promise<PowerBiClient> {
  const customer = await app.services.registry.get('contoso');
  const secret = await app.services.secrets.read(customer);
  return new PowerBiClient(app.services.credentials.forCustomer(customer, secret), app.services.config.fabric);
}

describe('Fabric capacity utilization, pull path (Capacity Metrics app model)', () => {
  it("stores contoso's CU series on its Fabric capacity, with the throttling visible in the maximum", async () => {
    const result = await collectCustomer(message('contoso'), app.services, recordingLogger());
    expect(result.outcome).toBe('ok');
    const fabric = result.resources.find((r) => FABRIC.test(r.resourceId));
    expect(fabric).toMatchObject({ ok: true, state: 'Active', sku: 'F64' });
    expect(fabric?.datapoints).toBeGreaterThan(0);

    const url = new URL('http://localhost/api/customers/contoso/metrics');
    url.searchParams.set('resource', 'fabriccontoso');
    url.searchParams.set('from', start.toISOString());
    url.searchParams.set('to', end.toISOString());
    const response = await getCustomerMetrics(
      app.services,
      new HttpRequest({ method: 'GET', url: url.toString(), params: { id: 'contoso' } }),
    );
    expect(response.status).toBe(200);
    const body = response.jsonBody as {
      series: Array<{ metric: string; points: Array<{ timestamp: string; average?: number; maximum?: number }> }>;
    };
    const cu = body.series.find((s) => s.metric === 'CUPercent');
    // 5-minute buckets of the hour; the last ~12 minutes are not in the model yet (its lag).
    expect(cu?.points.length).toBeGreaterThanOrEqual(9);
    expect(cu?.points.length).toBeLessThanOrEqual(12);
    // The demo capacity is busy from minute 20 to 40 of every hour: over 100 % there, ~40 % elsewhere.
    const busy = cu!.points.filter(
      (p) => new Date(p.timestamp).getUTCMinutes() >= 20 && new Date(p.timestamp).getUTCMinutes() < 40,
    );
    expect(Math.max(...busy.map((p) => p.maximum ?? 0))).toBeGreaterThan(100);
    expect(cu!.points.find((p) => new Date(p.timestamp).getUTCMinutes() === 0)?.average).toBeLessThan(60);
    const limit = body.series.find((s) => s.metric === 'CULimit');
    expect(limit?.points[0]).toMatchObject({ average: 64, maximum: 64 });
    const delay = body.series.find((s) => s.metric === 'InteractiveDelayPercent');
    expect(Math.max(...delay!.points.map((p) => p.maximum ?? 0))).toBeGreaterThan(100);
  });

  it('finds the model once and reuses it: a second run makes no workspace listing or probe', async () => {
    await collectCustomer(message('contoso'), app.services, recordingLogger());
    app.env.sandbox.requests.clear();
    await collectCustomer(message('contoso'), app.services, recordingLogger());
    const calls = app.env.sandbox.requests.list().filter((r) => r.service === 'powerbi' || r.service === 'fabric');
    expect(calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/g, '{id}')}`)).toEqual([
      'POST /v1.0/myorg/datasets/{id}/executeQueries', // capacities in the model
      'GET /v1/capacities',
      'POST /v1.0/myorg/datasets/{id}/executeQueries', // the day's timepoints
    ]);
  });

  it.each<[SandboxModelVersion, string, number]>([
    ['v53', 'v53', 1],
    ['v47', 'v47', 2],
    ['v40', 'v40', 3],
    ['v37', 'v37', 4],
  ])('detects a %s model as shape %s with one probe per shape tried', async (version, shape, probes) => {
    contosoDataset().modelVersion = version;
    const client = await contosoClient();
    const dataset = {
      workspaceId: FABRIC_DEMO_IDS.contoso.workspaceId,
      datasetId: FABRIC_DEMO_IDS.contoso.datasetId,
      datasetName: 'Fabric Capacity Metrics',
    };
    app.env.sandbox.requests.clear();
    expect((await detectModelShape(client, dataset)).id).toBe(shape);
    expect(app.env.sandbox.requests.list('powerbi')).toHaveLength(probes);
  });

  it('reads each known shape end to end with its own query', async () => {
    for (const version of ['v47', 'v40', 'v37'] as const) {
      contosoDataset().modelVersion = version;
      const customer = await app.services.registry.get('contoso');
      const secret = await app.services.secrets.read(customer);
      const reads = await app.services.fabric.collect(
        { id: `shape-${version}`, authMode: 'clientSecret', fabric: customer.fabric },
        app.services.credentials.forCustomer(customer, secret),
        customer.resources.map((r) => r.resourceId),
        { start, end },
      );
      expect(reads[0]?.error).toBeUndefined();
      expect(reads[0]?.datapoints.some((p) => p.metric === 'CUPercent')).toBe(true);
    }
  });

  it('fails an unknown model shape with CapacityMetricsModelUnknown, naming the dataset and every probe answer', async () => {
    contosoDataset().modelVersion = 'v99';
    const customer = await app.services.registry.get('contoso');
    const secret = await app.services.secrets.read(customer);
    const reads = await app.services.fabric.collect(
      { id: 'unknown-shape', authMode: 'clientSecret', fabric: customer.fabric },
      app.services.credentials.forCustomer(customer, secret),
      customer.resources.map((r) => r.resourceId),
      { start, end },
    );
    const error = reads[0]?.error as Error & { code?: string };
    expect(error.code).toBe('CapacityMetricsModelUnknown');
    expect(error.message).toContain(`"Fabric Capacity Metrics" (${FABRIC_DEMO_IDS.contoso.datasetId})`);
    for (const shape of ['v53', 'v47', 'v40', 'v37']) expect(error.message).toContain(`${shape} (app`);
    expect(error.message).toMatch(/Blocked workspaces \(Day\)/);
  });

  it('waits out 429 + Retry-After from Power BI and still stores the series', async () => {
    const pbi = app.env.sandbox.state.powerBi;
    pbi.queryLimit = 2;
    pbi.queryWindowMs = 1500;
    try {
      await app.services.registry.put(CustomerRegistry.validate({ ...(await app.services.registry.get('contoso')) }));
      const result = await collectCustomer(message('contoso'), app.services, recordingLogger());
      expect(result.outcome).toBe('ok');
      expect(result.resources.find((r) => FABRIC.test(r.resourceId))?.datapoints).toBeGreaterThan(0);
      const statuses = app.env.sandbox.requests.list('powerbi').map((r) => r.status);
      expect(statuses).toContain(429);
      expect(statuses[statuses.length - 1]).toBe(200);
    } finally {
      pbi.queryLimit = 120;
      pbi.queryWindowMs = 60_000;
    }
  });

  it('explains a tenant that does not let service principals use the APIs, with its own code and fix', async () => {
    const result = await collectCustomer(message('alpineski'), app.services, recordingLogger());
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis).toMatchObject({
      stage: 'fabric',
      code: 'PowerBiServicePrincipalsDisabled',
      who: 'customer',
    });
    expect(result.diagnosis?.fix).toContain('Service principals can use Fabric APIs');
    expect(result.diagnosis?.fix).toContain(FABRIC_DEMO_IDS.alpineski.clientId);
  });

  it('explains executeQueries refused (Viewer without Build) with the workspace id in the fix', async () => {
    const member = app.env.sandbox.state.powerBi.workspaces[0]!.members.find((m) => m.role === 'Member')!;
    member.role = 'Viewer';
    try {
      const result = await collectCustomer(message('contoso'), app.services, recordingLogger());
      expect(result.diagnosis).toMatchObject({ stage: 'fabric', code: 'PowerBiExecuteQueriesRefused' });
      expect(result.diagnosis?.commands?.azCli).toContain(FABRIC_DEMO_IDS.contoso.workspaceId);
    } finally {
      member.role = 'Member';
    }
  });

  it('refuses Lighthouse customers up front: Power BI has no delegated access', async () => {
    const reads = await app.services.fabric.collect(
      {
        id: 'lh',
        authMode: 'lighthouse',
        fabric: { mode: 'pull', datasetName: 'Fabric Capacity Metrics', interval: 'PT5M', highCuPercent: 90 },
      },
      { getToken: () => Promise.reject(new Error('must not be called')) },
      [`/subscriptions/${DEMO_IDS.contoso.subscriptionId}/resourceGroups/rg/providers/Microsoft.Fabric/capacities/x`],
      { start, end },
    );
    expect((reads[0]?.error as { code?: string }).code).toBe('FabricPullNeedsCustomerPrincipal');
  });
});

describe('the connection test with Fabric capacities', () => {
  it('has a passing Fabric stage for contoso and records the throttling capacity as a health condition', async () => {
    const report = await runConnectionTest(await app.services.registry.get('contoso'), app.services);
    const fabric = report.stages.find((s) => s.stage === 'fabric');
    expect(fabric).toMatchObject({ ok: true });
    expect(fabric?.detail).toMatch(
      /Capacity Metrics app model via Power BI executeQueries .* \d+ datapoint\(s\) for 1 capacity/,
    );

    const result = await collectCustomer(message('contoso'), app.services, recordingLogger());
    const conditions = result.resources.find((r) => FABRIC.test(r.resourceId))?.conditions ?? [];
    expect(conditions.join()).toMatch(/^CapacityThrottling: interactive requests (rejected|delayed) \(peak \d+ %\)/);
  });

  it('fails the Fabric stage of a blocked tenant with its own code and the fix', async () => {
    const report = await runConnectionTest(await app.services.registry.get('alpineski'), app.services);
    expect(report.ok).toBe(false);
    const fabric = report.stages.find((s) => s.stage === 'fabric');
    expect(fabric?.diagnosis).toMatchObject({ code: 'PowerBiServicePrincipalsDisabled', who: 'customer' });
  });
});

describe('the dashboard with a Fabric capacity', () => {
  it("draws the CU % chart with the 100 % line and marks the throttled hours on the customer's page", async () => {
    await collectCustomer(message('contoso'), app.services, recordingLogger());
    const detail = await buildCustomerDetail(app.services, 'contoso');
    const capacity = detail.resources.find((r) => r.name === 'fabriccontoso');
    const cu = capacity?.series.find((s) => s.metric === 'CUPercent');
    expect(cu?.referenceLine).toBe(100);
    expect(cu?.day.filter((v) => v !== null).length).toBeGreaterThan(0);
    expect(cu?.marks?.length).toBeGreaterThan(0);
    // An hour is drawn at its peak: a throttled hour's CU % is past the limit's reach.
    for (const i of cu?.marks ?? []) expect(cu?.day[i]).toBeGreaterThan(60);
    const html = renderCustomerDetail(detail);
    expect(html).toContain('data-reference="100"');
    expect(html).toContain('class="mark"');
  });
});
