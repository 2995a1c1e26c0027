import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUSTOMERS_TABLE,
  CUSTOMER_STATUS_TABLE,
  METRICS_TABLE,
  SNAPSHOTS_CONTAINER,
} from '../../lib/app/storage-names';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { runConnectionTest } from '../../lib/diagnose/run-connection-test';
import { AUTH_MODE_DEMO_IDS } from '../../lib/local/demo/build-auth-mode-demo';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
let run = 0;
const message = (customerId: string): CollectMessage => ({
  version: 1,
  runId: `20261122T0800Z-${(++run).toString(16).padStart(8, '0')}`,
  customerId,
  windowStart: '2026-11-22T08:00:00.000Z',
  windowEnd: '2026-11-22T09:00:00.000Z',
  trigger: 'schedule',
});
const collect = (id: string, log = recordingLogger()) => collectCustomer(message(id), app.services, log);

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('createCustomerCredential (every auth mode, end to end against the sandbox)', () => {
  it('collects the certificate customer (wingtip) with the PEM from Key Vault', async () => {
    const result = await collect('wingtip');
    // 12 five-minute points of the hour and 4 of its 20-minute look-back.
    expect(result).toMatchObject({ outcome: 'ok', datapointsWritten: 16 });
    const secret = await app.services.secrets.read({ id: 'wingtip', secretName: 'customer-wingtip-secret' });
    expect(app.services.credentials.isCached('wingtip', secret.version)).toBe(true);
  });

  it('collects the federated customer (adatum) without any secret, through the managed identity token exchange', async () => {
    const result = await collect('adatum');
    expect(result).toMatchObject({ outcome: 'ok', datapointsWritten: 16 });
    await expect(
      app.services.secrets.read({ id: 'adatum', secretName: 'customer-adatum-secret' }),
    ).rejects.toMatchObject({ code: 'SecretNotFound' });
  });

  it("collects the Lighthouse customer (litware) with the app's own token, Fabric state included", async () => {
    const result = await collect('litware');
    expect(result.outcome).toBe('ok');
    // 16 from the configured Power BI capacity, 16 from vm-litware-etl found by discovery (Resource Graph).
    expect(result.datapointsWritten).toBe(32);
    expect(result.resources.map((r) => r.resourceId)).toContainEqual(expect.stringContaining('vm-litware-etl'));
    expect(result.resources.find((r) => r.resourceId.includes('Microsoft.Fabric'))).toMatchObject({
      ok: true,
      state: 'Paused',
      sku: 'F8',
    });
  });

  it('passes the connection test for each of the three modes', async () => {
    for (const id of ['adatum', 'litware', 'wingtip']) {
      const report = await runConnectionTest(await app.services.registry.get(id), app.services);
      expect(report, id).toMatchObject({ ok: true, verdict: 'ready to collect' });
      expect(
        report.stages.some((s) => s.stage === 'keyVault'),
        id,
      ).toBe(id === 'wingtip');
    }
  });

  it('names AADSTS700027 when the certificate is no longer registered on the app', async () => {
    const { wingtip } = AUTH_MODE_DEMO_IDS;
    const state = app.env.sandbox.state;
    const registered = state.findApp(wingtip.tenantId, wingtip.clientId)?.certificates.slice() ?? [];
    state.removeCertificates(wingtip.tenantId, wingtip.clientId);
    try {
      const report = await runConnectionTest(await app.services.registry.get('wingtip'), app.services);
      const token = report.stages.find((s) => s.stage === 'token');
      expect(token).toMatchObject({ ok: false, diagnosis: { code: 'AADSTS700027', who: 'customer' } });
      expect(token?.diagnosis?.fix).toContain(wingtip.clientId);
    } finally {
      state.findApp(wingtip.tenantId, wingtip.clientId)?.certificates.push(...registered);
    }
  });

  it('names AADSTS700016 when the customer has not consented to the multi-tenant app, and AADSTS700213 on a wrong subject', async () => {
    const { adatum } = AUTH_MODE_DEMO_IDS;
    const state = app.env.sandbox.state;
    state.deleteApp(adatum.tenantId, adatum.clientId);
    try {
      const report = await runConnectionTest(await app.services.registry.get('adatum'), app.services);
      expect(report.stages.find((s) => s.stage === 'token')?.diagnosis?.code).toBe('AADSTS700016');
    } finally {
      state.deleteApp(adatum.tenantId, adatum.clientId, true);
    }
    const credentials = state.findApp(adatum.tenantId, adatum.clientId)?.federatedCredentials ?? [];
    const original = credentials.splice(0, credentials.length);
    credentials.push(...original.map((c) => ({ ...c, subject: '00000000-0000-4000-8000-0000000000ff' })));
    try {
      const report = await runConnectionTest(await app.services.registry.get('adatum'), app.services);
      expect(report.stages.find((s) => s.stage === 'token')?.diagnosis?.code).toBe('AADSTS700213');
    } finally {
      credentials.splice(0, credentials.length, ...original);
    }
  });

  it('names LighthouseDelegationMissing when the customer removed the delegation', async () => {
    const { litware } = AUTH_MODE_DEMO_IDS;
    const state = app.env.sandbox.state;
    const scope = `/subscriptions/${litware.subscriptionId}`;
    expect(state.removeDelegation(scope)).toBe(1);
    try {
      const result = await collect('litware');
      expect(result.outcome).toBe('failed');
      expect(result.diagnosis).toMatchObject({ code: 'LighthouseDelegationMissing', who: 'customer', stage: 'arm' });
    } finally {
      state.delegate({
        scope,
        managingTenantId: DEMO_IDS.homeTenantId,
        principalId: DEMO_IDS.managedIdentity.objectId,
        roleName: 'Reader',
      });
    }
    expect((await collect('litware')).outcome).toBe('ok');
  });

  it('never writes the certificate key or a token into tables, blobs or logs', async () => {
    const log = recordingLogger();
    for (const id of ['adatum', 'litware', 'wingtip']) await collect(id, log);
    const everything: string[] = [...log.lines];
    for (const name of [METRICS_TABLE, CUSTOMER_STATUS_TABLE, CUSTOMERS_TABLE]) {
      const table = TableClient.fromConnectionString(app.env.azurite.connectionString, name);
      for await (const entity of table.listEntities()) everything.push(JSON.stringify(entity));
    }
    const container = BlobServiceClient.fromConnectionString(app.env.azurite.connectionString).getContainerClient(
      SNAPSHOTS_CONTAINER,
    );
    for await (const blob of container.listBlobsFlat()) {
      everything.push((await container.getBlockBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
    }
    const haystack = everything.join('\n');
    expect(haystack).toContain('wingtip');
    const pem = (await app.services.secrets.read({ id: 'wingtip', secretName: 'customer-wingtip-secret' })).value;
    const keyBody = /-----BEGIN PRIVATE KEY-----\n([^-]+)-----END/.exec(pem)?.[1]?.split('\n')[1];
    expect(keyBody?.length).toBeGreaterThan(40);
    expect(haystack).not.toContain(keyBody);
    expect(haystack).not.toContain('PRIVATE KEY');
    for (const secret of app.secretValues) expect(haystack).not.toContain(secret);
    // Tokens are JWTs: three base64url segments starting with the encoded `{"`.
    expect(haystack).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/);
  });
});
