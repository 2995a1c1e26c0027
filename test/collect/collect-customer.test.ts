import { odata } from '@azure/data-tables';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import {
  METRICS_TABLE,
  CUSTOMER_STATUS_TABLE,
  CUSTOMERS_TABLE,
  SNAPSHOTS_CONTAINER,
} from '../../lib/app/storage-names';
import { isAppError } from '../../lib/errors/app-error';
import { AUTH_MODE_DEMO_IDS } from '../../lib/local/demo/build-auth-mode-demo';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { BlobServiceClient } from '@azure/storage-blob';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
const window = { windowStart: '2026-11-22T08:00:00.000Z', windowEnd: '2026-11-22T09:00:00.000Z' };
const message = (customerId: string, runId = '20261122T0800Z-aaaaaaaa'): CollectMessage => ({
  version: 1,
  runId,
  customerId,
  ...window,
  trigger: 'schedule',
});

async function tableRows(name: string, filter?: string) {
  const table = TableClient.fromConnectionString(app.env.azurite.connectionString, name);
  const rows: Record<string, unknown>[] = [];
  for await (const e of table.listEntities(filter ? { queryOptions: { filter } } : {})) {
    const { etag: _etag, timestamp: _timestamp, ...rest } = e as Record<string, unknown>;
    rows.push(rest);
  }
  return rows;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('collectCustomer', () => {
  it("collects a healthy customer's metrics and Fabric state into the table, a snapshot and its status", async () => {
    const log = recordingLogger();
    const result = await collectCustomer(message('contoso'), app.services, log);
    expect(result.outcome).toBe('ok');
    // 1 hour at PT5M = 12 points, plus 4 from the 20-minute look-back, for each of cpu_metric,
    // overload_metric and Percentage CPU: every one of them a row.
    expect(result.datapointsWritten).toBe(48);
    const fabric = result.resources.find((r) => r.resourceId.includes('Microsoft.Fabric'));
    expect(fabric).toMatchObject({ ok: true, state: 'Active', sku: 'F64', datapoints: 0 });

    const rows = await tableRows(METRICS_TABLE, odata`customerId eq ${'contoso'}`);
    expect(rows).toHaveLength(48);
    // Nothing outside the window and its look-back (07:40–09:00), and a window long past is final.
    const times = rows.map((r) => String(r.rowKey)).sort();
    expect([times[0], times.at(-1)]).toEqual(['2026-11-22T07:40:00Z', '2026-11-22T08:55:00Z']);
    expect(rows.some((r) => r.provisional)).toBe(false);
    expect(new Set(rows.map((r) => r.metric))).toEqual(new Set(['cpu_metric', 'overload_metric', 'Percentage CPU']));

    const status = await app.services.statuses.find('contoso');
    expect(status).toMatchObject({
      outcome: 'ok',
      datapointsWritten: 48,
      consecutiveFailures: 0,
      lastRunId: '20261122T0800Z-aaaaaaaa',
    });
    expect(status?.lastSuccessAt).toBeDefined();

    const snapshot = (await app.services.snapshots.read('contoso', {
      start: new Date(window.windowStart),
      end: new Date(window.windowEnd),
    })) as { resources: Array<{ state: { state?: string } | null }> };
    expect(snapshot.resources.some((r) => r.state?.state === 'Active')).toBe(true);
  });

  it('writes identical rows when the same message is processed twice', async () => {
    await collectCustomer(message('contoso'), app.services, recordingLogger());
    const first = await tableRows(METRICS_TABLE, odata`customerId eq ${'contoso'}`);
    await collectCustomer(message('contoso'), app.services, recordingLogger());
    const second = await tableRows(METRICS_TABLE, odata`customerId eq ${'contoso'}`);
    expect(second).toEqual(first);
    expect(second).toHaveLength(48);
  });

  it('records an expired secret as AADSTS7000222 with the fix, and does not ask for a retry', async () => {
    const result = await collectCustomer(message('fabrikam'), app.services, recordingLogger());
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis).toMatchObject({
      code: 'AADSTS7000222',
      stage: 'token',
      who: 'customer',
      retryable: false,
    });
    expect(result.diagnosis?.fix).toContain(DEMO_IDS.fabrikam.clientId);
    const status = await app.services.statuses.find('fabrikam');
    expect(status).toMatchObject({
      outcome: 'failed',
      errorCode: 'AADSTS7000222',
      errorStage: 'token',
      consecutiveFailures: 1,
    });
  });

  it('keeps the readable resources of a customer that lacks a role on one, and names the missing scope', async () => {
    const result = await collectCustomer(message('northwind'), app.services, recordingLogger());
    expect(result.outcome).toBe('failed');
    expect(result.diagnosis?.code).toBe('AuthorizationFailed');
    expect(result.diagnosis?.commands?.azCli).toContain(DEMO_IDS.northwind.objectId);
    expect(result.diagnosis?.commands?.azCli).toContain('vm-northwind-db');
    expect(result.datapointsWritten).toBeGreaterThan(0);
    expect(result.resources.filter((r) => r.ok)).toHaveLength(1);
  });

  it("leaves other customers' data untouched when one fails", async () => {
    const before = await tableRows(METRICS_TABLE, odata`customerId eq ${'contoso'}`);
    await collectCustomer(message('fabrikam', '20261122T0800Z-bbbbbbbb'), app.services, recordingLogger());
    expect(await tableRows(METRICS_TABLE, odata`customerId eq ${'contoso'}`)).toEqual(before);
    expect(await tableRows(METRICS_TABLE, odata`customerId eq ${'fabrikam'}`)).toEqual([]);
  });

  it('throws a retryable error on throttling so the host retries, and records the attempt', async () => {
    app.env.sandbox.state.injectFault({
      service: 'arm',
      match: (path) => path.includes('/metrics'),
      status: 429,
      retryAfterSeconds: 0,
      times: 50,
    });
    // Batch metrics come from the regional metrics host: throttled there too.
    app.env.sandbox.state.injectFault({
      service: 'metrics',
      match: () => true,
      status: 429,
      retryAfterSeconds: 0,
      times: 50,
    });
    try {
      let error: unknown;
      await collectCustomer(message('contoso', '20261122T0800Z-cccccccc'), app.services, recordingLogger()).catch(
        (e: unknown) => {
          error = e;
        },
      );
      expect(isAppError(error) && error.retryable).toBe(true);
      expect((await app.services.statuses.find('contoso'))?.errorCode).toBe('Throttled');
    } finally {
      app.env.sandbox.state.clearFaults();
    }
  });

  it('counts one failed window once, however often the host retries its message or an operator re-runs it', async () => {
    await collectCustomer(message('fabrikam', '20261122T0800Z-dddddddd'), app.services, recordingLogger());
    const streak = (await app.services.statuses.find('fabrikam'))?.consecutiveFailures ?? 0;
    await collectCustomer(message('fabrikam', '20261122T0800Z-dddddddd'), app.services, recordingLogger());
    expect((await app.services.statuses.find('fabrikam'))?.consecutiveFailures).toBe(streak);
    await collectCustomer(message('fabrikam', '20261122T0800Z-eeeeeeee'), app.services, recordingLogger());
    expect((await app.services.statuses.find('fabrikam'))?.consecutiveFailures).toBe(streak);
    const nextHour = { windowStart: '2026-11-22T09:00:00.000Z', windowEnd: '2026-11-22T10:00:00.000Z' };
    await collectCustomer(
      { ...message('fabrikam', '20261122T0900Z-ffffffff'), ...nextHour },
      app.services,
      recordingLogger(),
    );
    expect((await app.services.statuses.find('fabrikam'))?.consecutiveFailures).toBe(streak + 1);
  });

  it('picks up a rotated secret without a restart', async () => {
    const fabrikam = DEMO_IDS.fabrikam;
    const fresh = 'rotated-secret-value-0123456789abcdef';
    app.env.sandbox.state.addClientSecret(fabrikam.tenantId, fabrikam.clientId, {
      value: fresh,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    // The operator writes the new version (the app itself may only read secrets).
    app.env.sandbox.state.setVaultSecret('customer-fabrikam-secret', fresh);
    app.services.secrets.forget('customer-fabrikam-secret');
    const result = await collectCustomer(
      message('fabrikam', '20261122T0800Z-ffffffff'),
      app.services,
      recordingLogger(),
    );
    expect(result.outcome).toBe('ok');
    expect((await app.services.statuses.find('fabrikam'))?.consecutiveFailures).toBe(0);
    const version = (await app.services.secrets.read({ id: 'fabrikam', secretName: 'customer-fabrikam-secret' }))
      .version;
    expect(app.services.credentials.isCached('fabrikam', version)).toBe(true);
  });

  it('asks Entra once per customer: one metadata and one token request on the first run, none on the next', async () => {
    // wingtip is not collected elsewhere in this file, so its credential starts cold here.
    const entraCalls = () =>
      app.env.sandbox.requests
        .list('entra')
        .filter((r) => r.path.startsWith(`/${AUTH_MODE_DEMO_IDS.wingtip.tenantId}/`));
    app.env.sandbox.requests.clear();
    expect((await collectCustomer(message('wingtip'), app.services, recordingLogger())).outcome).toBe('ok');
    expect(entraCalls().map((r) => r.path.split('/').slice(2).join('/'))).toEqual([
      'v2.0/.well-known/openid-configuration',
      'oauth2/v2.0/token',
    ]);
    app.env.sandbox.requests.clear();
    await collectCustomer(message('wingtip', '20261122T0800Z-abababab'), app.services, recordingLogger());
    expect(entraCalls()).toEqual([]);
  });

  it('asks Entra once per scope for a customer that also delivers to its own storage (ARM + Storage)', async () => {
    app.services.credentials.forget('contoso'); // a cold credential, as after a restart
    app.env.sandbox.requests.clear();
    const result = await collectCustomer(
      message('contoso', '20261122T0800Z-cdcdcdcd'),
      app.services,
      recordingLogger(),
    );
    expect(result.delivery?.ok).toBe(true);
    const calls = app.env.sandbox.requests
      .list('entra')
      .filter((r) => r.path.startsWith(`/${DEMO_IDS.contoso.tenantId}/`))
      .map((r) => r.path.split('/').slice(2).join('/'));
    expect(calls).toEqual(['v2.0/.well-known/openid-configuration', 'oauth2/v2.0/token', 'oauth2/v2.0/token']);
  });

  it('skips an unknown customer without throwing', async () => {
    const result = await collectCustomer(message('nobody-here'), app.services, recordingLogger());
    expect(result.outcome).toBe('skipped');
  });

  it('never writes a secret value into tables, blobs or logs', async () => {
    const log = recordingLogger();
    for (const id of ['contoso', 'fabrikam', 'northwind'])
      await collectCustomer(message(id, '20261122T0800Z-99999999'), app.services, log);
    const everything = [
      ...(await tableRows(METRICS_TABLE)),
      ...(await tableRows(CUSTOMER_STATUS_TABLE)),
      ...(await tableRows(CUSTOMERS_TABLE)),
    ].map((r) => JSON.stringify(r));
    const container = BlobServiceClient.fromConnectionString(app.env.azurite.connectionString).getContainerClient(
      SNAPSHOTS_CONTAINER,
    );
    for await (const blob of container.listBlobsFlat()) {
      everything.push((await container.getBlockBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
    }
    expect(everything.length).toBeGreaterThan(36);
    const haystack = everything.join('\n') + log.lines.join('\n');
    for (const secret of [...app.secretValues, 'rotated-secret-value-0123456789abcdef'])
      expect(haystack).not.toContain(secret);
  });
});
