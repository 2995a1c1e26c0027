import { globSync } from 'node:fs';
import { join } from 'node:path';
import { TableClient, odata } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECT_QUEUE, METRICS_TABLE } from '../../lib/app/storage-names';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { startLocalHost, type LocalHost } from '../../lib/local/host/start-local-host';
import { recentWindow } from '../support/recent-window';
import { startTestApp, type TestApp } from '../support/start-test-app';
import { ADMIN_OPERATOR } from '../support/operator-principals';

const ROOT = join(__dirname, '../..');
let app: TestApp;
let host: LocalHost;
const hostLog: string[] = [];

// Response bodies are asserted field by field; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function api(path: string, init?: RequestInit): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${host.httpUrl}/api${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const queueClient = (name: string) =>
  QueueServiceClient.fromConnectionString(app.env.azurite.connectionString).getQueueClient(name);

async function metricRows(customerId: string) {
  const table = TableClient.fromConnectionString(app.env.azurite.connectionString, METRICS_TABLE);
  const rows: unknown[] = [];
  for await (const e of table.listEntities({ queryOptions: { filter: odata`customerId eq ${customerId}` } })) {
    const { etag: _e, timestamp: _t, ...rest } = e as Record<string, unknown>;
    rows.push(rest);
  }
  return rows;
}

beforeAll(async () => {
  app = await startTestApp();
  host = await startLocalHost({
    // The same registrations the Functions host loads: every file in functions/.
    functionModules: globSync('functions/*.ts', { cwd: ROOT }).map((f) => join(ROOT, f)),
    appSettings: { ...app.env.appSettings, COLLECT_SCHEDULE: app.services.config.collectSchedule },
    hostJsonPath: join(ROOT, 'host.json'),
    httpPort: 0,
    startTimers: false,
    log: (level, message) => hostLog.push(`${level} ${message}`),
    operatorPrincipal: ADMIN_OPERATOR,
  });
  await host.runTimer('collect-schedule');
  await host.waitForIdle();
});
afterAll(async () => {
  await host?.close();
  await app?.close();
});

describe('a collection cycle through the registered functions', () => {
  it('registers every function in functions/ with the bindings the Functions host would see', () => {
    const byName = new Map(host.functions.map((f) => [f.name, f]));
    expect(byName.get('collect-schedule')).toMatchObject({ trigger: 'timerTrigger', schedule: '0 0 * * * *' });
    expect(byName.get('health-sweep')).toMatchObject({ trigger: 'timerTrigger', schedule: '0 30 * * * *' });
    expect(byName.get('collect-customer')).toMatchObject({ trigger: 'queueTrigger', queueName: COLLECT_QUEUE });
    expect(byName.get('customer-metrics')).toMatchObject({
      trigger: 'httpTrigger',
      route: '/api/customers/{id}/metrics',
    });
  });

  it("serves contoso's collected datapoints through the query API", async () => {
    const { status, body } = await api('/customers/contoso/metrics');
    expect(status).toBe(200);
    const cpu = body.series.find((s: { metric: string }) => s.metric === 'Percentage CPU');
    // The hour that just closed and the 20 minutes before it (the look-back).
    expect(cpu.points.length).toBe(16);
    expect(cpu.points[0]).toHaveProperty('average');
    expect(body.series.reduce((n: number, s: { points: unknown[] }) => n + s.points.length, 0)).toBe(48);
  });

  it('shows the failing customers with their codes, and contoso unaffected', async () => {
    const { body } = await api('/customers');
    const status = Object.fromEntries(body.customers.map((c: Json) => [c.id, c.status]));
    expect(status.contoso).toMatchObject({ outcome: 'ok', datapointsWritten: 48 });
    expect(status.fabrikam).toMatchObject({ outcome: 'failed', errorCode: 'AADSTS7000222', errorStage: 'token' });
    expect(status.northwind).toMatchObject({ outcome: 'failed', errorCode: 'AuthorizationFailed' });
  });

  it("explains fabrikam's failure in the on-demand test run, with the fix", async () => {
    const { status, body } = await api('/customers/fabrikam/test', { method: 'POST' });
    expect(status).toBe(200);
    expect(body.ok).toBe(false);
    const token = body.stages.find((s: { stage: string }) => s.stage === 'token');
    expect(token).toMatchObject({ ok: false, diagnosis: { code: 'AADSTS7000222', who: 'customer' } });
    expect(token.diagnosis.fix).toContain(DEMO_IDS.fabrikam.clientId);
    expect(body.stages.find((s: { stage: string }) => s.stage === 'keyVault').ok).toBe(true);
  });

  it('leaves identical table contents when the same queue message is delivered twice', async () => {
    const before = await metricRows('contoso');
    const queue = queueClient(COLLECT_QUEUE);
    const message = {
      version: 1,
      runId: 'duplicate-delivery-1',
      customerId: 'contoso',
      ...recentWindow(30),
    };
    const encoded = Buffer.from(JSON.stringify(message)).toString('base64');
    await queue.sendMessage(encoded);
    await host.waitForIdle();
    const once = await metricRows('contoso');
    await queue.sendMessage(encoded);
    await host.waitForIdle();
    expect(await metricRows('contoso')).toEqual(once);
    // Its window and look-back (09:40–11:00) do not overlap the earlier run's rows.
    expect(once.length).toBe(before.length + 48);
  });

  it('drops a malformed queue message with a clear log line instead of retrying it', async () => {
    const queue = queueClient(COLLECT_QUEUE);
    await queue.sendMessage(Buffer.from(JSON.stringify({ customerId: 'contoso' })).toString('base64'));
    await host.waitForIdle();
    expect(hostLog.some((l) => l.includes('Dropping invalid queue message') && l.includes('runId'))).toBe(true);
    const poison = queueClient(`${COLLECT_QUEUE}-poison`);
    const peeked = (await poison.exists())
      ? (await poison.peekMessages({ numberOfMessages: 32 })).peekedMessageItems
      : [];
    expect(peeked).toHaveLength(0);
  });

  it('answers bad HTTP input with a problem+json 400/404, never a 500', async () => {
    const unknown = await api('/customers/nobody/metrics');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CustomerNotFound');
    const backwards = await api('/customers/contoso/metrics?from=2026-11-22T10:00:00Z&to=2026-11-22T09:00:00Z');
    expect(backwards.status).toBe(400);
    const junk = await api('/customers/contoso/metrics?resource=not-a-resource-id');
    expect(junk.status).toBe(400);
    expect(junk.body.detail).toContain('neither a full ARM resource ID nor the name of one of contoso');
    const markup = await api('/customers/contoso/metrics?resource=%3Cscript%3E');
    expect(markup.status).toBe(400);
    expect(markup.body.detail).toContain('must be a full ARM resource ID');
    const badPut = await api('/customers/contoso', {
      method: 'PUT',
      body: '{"displayName": ""',
      headers: { 'content-type': 'application/json' },
    });
    expect(badPut.status).toBe(400);
  });

  it('never returns a secret in any response', async () => {
    const bodies = await Promise.all([
      api('/customers'),
      api('/customers/fabrikam/test', { method: 'POST' }),
      api('/customers/northwind/test', { method: 'POST' }),
      api('/customers/contoso/metrics'),
    ]);
    const text = JSON.stringify(bodies) + hostLog.join('\n');
    for (const secret of app.secretValues) expect(text).not.toContain(secret);
  });
});
