import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHost, type ApiHost } from '../support/start-api-host';

let api: ApiHost;
// Response bodies are asserted field by field; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; text: string; body: Json }> {
  const response = await fetch(`${api.host.httpUrl}/api${path}`, { headers });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, text, body: type.includes('json') && text ? JSON.parse(text) : undefined };
}

async function post(path: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${api.host.httpUrl}/api${path}`, { method: 'POST' });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  api = await startApiHost();
});
afterAll(async () => {
  await api?.close();
});

describe('GET /api/customers/{id}/metrics', () => {
  it('returns several resources and metrics in one call, selected by name or full ID', async () => {
    const { status, body } = await get(
      '/customers/contoso/metrics?resource=pbicontoso&resource=vm-contoso-gw&metric=cpu_metric,Percentage%20CPU&from=24h',
    );
    expect(status).toBe(200);
    expect(body.series.map((s: Json) => `${s.resourceId.split('/').pop()} ${s.metric}`)).toEqual([
      'pbicontoso cpu_metric',
      'vm-contoso-gw Percentage CPU',
    ]);
    // The hour and its 20-minute look-back.
    expect(body.series[0].points).toHaveLength(16);
    expect(body.truncated).toBe(false);
  });

  it('rolls up to PT1H with min <= avg <= max', async () => {
    const { body } = await get('/customers/contoso/metrics?metric=Percentage%20CPU&interval=PT1H&from=2d');
    expect(body.interval).toBe('PT1H');
    // The collected hour, and the hour before it that the look-back reached into.
    const [, point] = body.series[0].points;
    expect(body.series[0].points).toHaveLength(2);
    expect(point.timestamp).toMatch(/T\d{2}:00:00Z$/);
    expect(point.minimum).toBeLessThanOrEqual(point.average);
    expect(point.average).toBeLessThanOrEqual(point.maximum);
  });

  it('pages with a continuation token until every point is returned exactly once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await get(
        `/customers/contoso/metrics?maxPoints=7${token ? `&continuationToken=${token}` : ''}`,
      );
      expect(status).toBe(200);
      for (const s of body.series) for (const p of s.points) seen.push(`${s.resourceId}|${s.metric}|${p.timestamp}`);
      token = body.continuationToken;
      pages++;
    } while (token && pages < 20);
    expect(seen).toHaveLength(48);
    expect(new Set(seen).size).toBe(48);
    expect(pages).toBe(7);
  });

  it('answers CSV for format=csv and for Accept: text/csv', async () => {
    const byFormat = await get('/customers/contoso/metrics?metric=Percentage%20CPU&format=csv');
    const byAccept = await get('/customers/contoso/metrics?metric=Percentage%20CPU', { accept: 'text/csv' });
    expect(byFormat.type).toMatch(/^text\/csv/);
    expect(byAccept.text).toBe(byFormat.text);
    const lines = byFormat.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'customerId,resourceId,resourceName,metric,unit,interval,timestamp,minimum,average,maximum,total,count,dimensions,provisional',
    );
    expect(lines).toHaveLength(17);
    expect(lines[1]).toMatch(/^contoso,\/subscriptions\/.+,vm-contoso-gw,Percentage CPU,Percent,PT5M,\d{4}-/);
  });

  it.each([
    ['an unknown customer', '/customers/nobody/metrics', 404, 'CustomerNotFound'],
    [
      '"to" before "from"',
      '/customers/contoso/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
      400,
      'InvalidRange',
    ],
    ['a 10-year range', '/customers/contoso/metrics?from=2016-01-01&to=2026-01-01', 400, 'RangeTooLarge'],
    ['junk in resource', '/customers/contoso/metrics?resource=%3Cscript%3E', 400, 'InvalidRequest'],
    ['a bad date', '/customers/contoso/metrics?from=yesterday', 400, 'InvalidTime'],
    ['an unknown interval', '/customers/contoso/metrics?interval=PT7M', 400, 'InvalidRequest'],
    [
      'a forged continuation token',
      '/customers/contoso/metrics?continuationToken=bm9wZQ',
      400,
      'InvalidContinuationToken',
    ],
    ['a resource name it does not have', '/customers/contoso/metrics?resource=vm-other', 400, 'InvalidRequest'],
    [
      'a resource ID it does not collect',
      '/customers/contoso/metrics?resource=/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
      404,
      'ResourceNotConfigured',
    ],
    [
      'a metric it does not collect',
      '/customers/contoso/metrics?resource=vm-contoso-gw&metric=x',
      404,
      'MetricNotConfigured',
    ],
    ['a page larger than the limit', '/customers/contoso/metrics?maxPoints=50000', 400, 'InvalidRequest'],
  ])('refuses %s with a clear problem, never a 500', async (_what, path, status, code) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(response.type).toMatch(/problem\+json/);
    expect(response.body.code).toBe(code);
    expect(response.body.detail.length).toBeGreaterThan(10);
  });
});

describe('GET /api/customers/{id}/resources', () => {
  it('shows the Fabric capacity state and SKU and the latest value per metric', async () => {
    const { status, body } = await get('/customers/contoso/resources');
    expect(status).toBe(200);
    const byName = Object.fromEntries(body.resources.map((r: Json) => [r.name, r]));
    expect(byName.fabriccontoso).toMatchObject({
      type: 'Microsoft.Fabric/capacities',
      state: 'Active',
      sku: 'F64',
      lastReadOk: true,
      metrics: [],
    });
    expect(byName['vm-contoso-gw'].metrics[0]).toMatchObject({ metric: 'Percentage CPU', unit: 'Percent' });
    expect(typeof byName['vm-contoso-gw'].metrics[0].latest.average).toBe('number');
  });

  it('reports the failing resource of northwind with its code', async () => {
    const { body } = await get('/customers/northwind/resources');
    const vm = body.resources.find((r: Json) => r.name === 'vm-northwind-db');
    expect(vm).toMatchObject({ lastReadOk: false, errorCode: 'AuthorizationFailed' });
  });
});

describe('GET /api/metrics/top', () => {
  it('ranks resources across customers by their peak', async () => {
    const { status, body } = await get('/metrics/top?metric=Percentage%20CPU&window=24h&by=max');
    expect(status).toBe(200);
    const values = body.resources.map((r: Json) => r.value);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(body.resources.map((r: Json) => r.rank)).toEqual(values.map((_: number, i: number) => i + 1));
    // fabrikam cannot sign in and northwind cannot read its VM: neither has data to rank.
    expect(body.resources.map((r: Json) => r.customerId)).not.toContain('fabrikam');
    expect(body.resources.map((r: Json) => r.customerId)).not.toContain('northwind');
    const contoso = body.resources.find((r: Json) => r.customerId === 'contoso');
    const cpu = await get('/customers/contoso/metrics?metric=Percentage%20CPU');
    const peak = Math.max(...cpu.body.series[0].points.map((p: Json) => p.maximum));
    expect(contoso).toMatchObject({ name: 'vm-contoso-gw', value: peak, unit: 'Percent' });
  });

  it('refuses a window longer than the query range limit', async () => {
    const { status, body } = await get('/metrics/top?metric=cpu&window=400d');
    expect(status).toBe(400);
    expect(body.code).toBe('RangeTooLarge');
  });
});

describe('POST /api/customers/{id}/collect and GET /api/runs/{runId}', () => {
  it('queues one run for the latest window, joins a second request to it, and reports it done', async () => {
    const first = await post('/customers/contoso/collect');
    const second = await post('/customers/contoso/collect');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ customerId: 'contoso', status: 'queued', deduplicated: false });
    expect(second.body).toMatchObject({ runId: first.body.runId, deduplicated: true });
    await api.host.waitForIdle();
    const run = await get(`/runs/${first.body.runId}`);
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('succeeded');
    expect(run.body.customers).toEqual([
      expect.objectContaining({
        customerId: 'contoso',
        trigger: 'manual',
        status: 'succeeded',
        attempts: 1,
        datapointsWritten: 48,
      }),
    ]);
    const third = await post('/customers/contoso/collect');
    expect(third.body.runId).not.toBe(first.body.runId);
    await api.host.waitForIdle();
  });

  it('records a permanent customer failure as a failed run with its code', async () => {
    const { body } = await post('/customers/fabrikam/collect');
    await api.host.waitForIdle();
    const run = await get(`/runs/${body.runId}`);
    expect(run.body.customers[0]).toMatchObject({ status: 'failed', errorCode: 'AADSTS7000222' });
  });

  it('backfills a range: one run per closed schedule window, oldest first, through the same queue and worker', async () => {
    const { status, body } = await post('/customers/contoso/collect?from=3h&to=now');
    expect(status).toBe(202);
    expect(body.runs).toHaveLength(3);
    const starts = body.runs.map((r: Json) => Date.parse(r.windowStart));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts[2]! - starts[0]!).toBe(2 * 3_600_000);
    expect(body.runId).toBe(body.runs[0].runId);
    await api.host.waitForIdle();
    for (const run of body.runs) {
      const { body: done } = await get(`/runs/${run.runId}`);
      expect(done.customers[0]).toMatchObject({ status: 'succeeded', trigger: 'manual', windowStart: run.windowStart });
    }
  });

  it('refuses a backfill range in the future, beyond retention, too long or reversed, with a 400 that says why', async () => {
    const codes: Record<string, string> = {};
    for (const [query, code] of [
      [`from=1h&to=${new Date(Date.now() + 7_200_000).toISOString()}`, 'RangeInFuture'],
      ['from=120d', 'RangeBeyondRetention'],
      ['from=30d', 'RangeTooLong'],
      ['from=1h&to=5h', 'InvalidRange'],
      ['to=1h', 'InvalidRange'],
      ['from=yesterday', 'InvalidTime'],
    ] as const) {
      const { status, body } = await post(`/customers/contoso/collect?${query}`);
      codes[query] = `${status} ${body.code}`;
      expect(codes[query]).toBe(`400 ${code}`);
    }
  });

  it('answers 404 for an unknown run or customer', async () => {
    expect((await get('/runs/20260101T0000Z-nope')).status).toBe(404);
    expect((await post('/customers/nobody/collect')).status).toBe(404);
  });
});
