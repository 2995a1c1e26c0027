import { odata, TableClient } from '@azure/data-tables';
import { ClientSecretCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_TABLE } from '../../lib/app/storage-names';
import { AuditRecorder, runWithAudit } from '../../lib/audit/audit-recorder';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import type { Customer } from '../../lib/customers/customer';
import { DELIVERY_PROBE_PREFIX } from '../../lib/delivery/snapshot-delivery';
import { runConnectionTest } from '../../lib/diagnose/run-connection-test';
import { DEMO_DELIVERY } from '../../lib/local/demo/add-delivery-demo';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { snapshotBlobName } from '../../lib/store/snapshot-store';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
const window = { windowStart: '2026-11-22T08:00:00.000Z', windowEnd: '2026-11-22T09:00:00.000Z' };
const message = (customerId: string, runId: string): CollectMessage => ({
  version: 1,
  runId,
  customerId,
  ...window,
  trigger: 'schedule',
});
const { contoso, fabrikam } = DEMO_IDS;
const accountId = `/subscriptions/${contoso.subscriptionId}/resourceGroups/rg-exports/providers/Microsoft.Storage/storageAccounts/${DEMO_DELIVERY.account}`;
const containerScope = `${accountId}/blobServices/default/containers/${DEMO_DELIVERY.container}`;

/** The customer's container, read as the customer (contoso's own principal) through the real SDK. */
function customerContainer(): ContainerClient {
  const secret = app.env.scenario.seed.vaultSecrets?.find((s) => s.name === 'customer-contoso-secret')?.value ?? '';
  const credential = new ClientSecretCredential(contoso.tenantId, contoso.clientId, secret, {
    authorityHost: app.env.sandbox.urls.authorityHost,
    disableInstanceDiscovery: true,
  });
  return new BlobServiceClient(`${app.env.sandbox.urls.storage}/${DEMO_DELIVERY.account}`, credential, {
    retryOptions: { maxTries: 1 },
  }).getContainerClient(DEMO_DELIVERY.container);
}

async function registered(id: string): Promise<Customer> {
  const customer = await app.services.registry.find(id);
  if (!customer) throw new Error(`demo customer ${id} missing`);
  return customer;
}

/** Registers `id` with another delivery target for the duration of `work`. */
async function withDelivery(id: string, delivery: Customer['delivery'], work: () => Promise<void>): Promise<void> {
  const original = await registered(id);
  await app.services.registry.put(CustomerRegistry.validate({ ...original, delivery }));
  try {
    await work();
  } finally {
    await app.services.registry.put(original);
  }
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('snapshot delivery to the customer storage', () => {
  it("writes the same snapshot into the customer's container, readable by the customer with the real SDK", async () => {
    const audit = new AuditRecorder('contoso', 'deliver-ok-1');
    const result = await runWithAudit(audit, () =>
      collectCustomer(message('contoso', 'deliver-ok-1'), app.services, recordingLogger()),
    );
    expect(result.outcome).toBe('ok');
    // The write into the customer's storage is in the access audit like every other call into their tenant.
    const put = audit.entries.filter((e) => e.operation === 'blob.put');
    expect(put).toHaveLength(1);
    expect(put[0]).toMatchObject({ status: 201 });
    expect(put[0]?.resource).toContain(`/${DEMO_DELIVERY.account}/${DEMO_DELIVERY.container}/contoso/`);
    expect(result.delivery).toMatchObject({ ok: true });
    expect((await app.services.statuses.find('contoso'))?.deliveredTo).toBe(
      (result.delivery as { blobUrl: string }).blobUrl,
    );

    const name = snapshotBlobName('contoso', { start: new Date(window.windowStart), end: new Date(window.windowEnd) });
    const names: string[] = [];
    for await (const blob of customerContainer().listBlobsFlat({ prefix: 'contoso/' })) names.push(blob.name);
    expect(names).toEqual([name]);
    const delivered = (await customerContainer().getBlockBlobClient(name).downloadToBuffer()).toString('utf8');
    const ours = await app.services.snapshots.read('contoso', {
      start: new Date(window.windowStart),
      end: new Date(window.windowEnd),
    });
    expect(JSON.parse(delivered)).toEqual(ours);
    expect(JSON.parse(delivered)).toMatchObject({ customerId: 'contoso', runId: 'deliver-ok-1' });

    // Neither a secret nor a token (JWTs start with eyJ) travels into the customer's storage.
    for (const secret of app.secretValues) expect(delivered).not.toContain(secret);
    expect(delivered).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('keeps the collected data and records DeliveryRoleMissing with fix commands when the customer removed the data role', async () => {
    const removed = app.env.sandbox.state.removeRole(contoso.objectId, containerScope, 'Storage Blob Data Contributor');
    expect(removed).toBe(1);
    try {
      const result = await collectCustomer(message('contoso', 'deliver-403-1'), app.services, recordingLogger());
      expect(result.outcome).toBe('failed');
      expect(result.datapointsWritten).toBe(48);
      expect(result.diagnosis).toMatchObject({
        stage: 'delivery',
        code: 'DeliveryRoleMissing',
        who: 'customer',
        retryable: false,
        httpStatus: 403,
      });
      expect(result.diagnosis?.rawMessage).toContain('not authorized to perform this operation using this permission');
      expect(result.diagnosis?.cause).toContain(contoso.objectId);
      expect(result.diagnosis?.commands?.azCli).toBe(
        `az role assignment create --assignee-object-id ${contoso.objectId} --assignee-principal-type ServicePrincipal ` +
          `--role 'Storage Blob Data Contributor' --scope "$(az storage account show -n ${DEMO_DELIVERY.account} --query id -o tsv)/blobServices/default/containers/${DEMO_DELIVERY.container}"`,
      );
      expect(result.diagnosis?.commands?.powershell).toContain(
        `New-AzRoleAssignment -ObjectId ${contoso.objectId} -RoleDefinitionName 'Storage Blob Data Contributor'`,
      );

      // Our own copy is complete: every datapoint row and the snapshot.
      const table = TableClient.fromConnectionString(app.env.azurite.connectionString, METRICS_TABLE);
      let rows = 0;
      for await (const _ of table.listEntities({ queryOptions: { filter: odata`customerId eq ${'contoso'}` } })) rows++;
      expect(rows).toBe(48);
      const ours = (await app.services.snapshots.read('contoso', {
        start: new Date(window.windowStart),
        end: new Date(window.windowEnd),
      })) as { runId: string };
      expect(ours.runId).toBe('deliver-403-1');

      const status = await app.services.statuses.find('contoso');
      expect(status).toMatchObject({
        outcome: 'failed',
        errorStage: 'delivery',
        errorCode: 'DeliveryRoleMissing',
        datapointsWritten: 48,
      });
      expect(JSON.stringify(result)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
      for (const secret of app.secretValues) expect(JSON.stringify(result)).not.toContain(secret);
    } finally {
      app.env.sandbox.state.assignRole(contoso.objectId, containerScope, 'Storage Blob Data Contributor');
    }
  });

  it("explains a storage account in another tenant: the customer's principal is unknown there", async () => {
    const otherAccount = `/subscriptions/${fabrikam.subscriptionId}/resourceGroups/rg-exports/providers/Microsoft.Storage/storageAccounts/stfabrikamexports`;
    app.env.sandbox.state.putResource({ id: otherAccount, location: 'West Europe', kind: 'StorageV2' });
    app.env.sandbox.state.blobs.createContainer('stfabrikamexports', 'exports', new Date());
    const delivery = { blobServiceUrl: `${app.env.sandbox.urls.storage}/stfabrikamexports`, container: 'exports' };
    await withDelivery('contoso', delivery, async () => {
      const result = await collectCustomer(message('contoso', 'deliver-tenant-1'), app.services, recordingLogger());
      expect(result.datapointsWritten).toBe(48);
      expect(result.diagnosis).toMatchObject({ stage: 'delivery', code: 'DeliveryPrincipalNotInTenant' });
      expect(result.diagnosis?.cause).toContain(`belongs to tenant ${fabrikam.tenantId}`);
      expect(result.diagnosis?.cause).toContain(`lives in tenant ${contoso.tenantId}`);
      expect((await registered('contoso')).delivery).toEqual(delivery);
    });
  });

  it("explains delivery with the provider's managed identity (Lighthouse) like the managed-identity pitfall: 401 from the customer's storage", async () => {
    const litware = await registered('litware');
    const subscriptionId = app.env.scenario.seed.subscriptions?.find(
      (s) => s.tenantId === litware.tenantId,
    )?.subscriptionId;
    expect(subscriptionId).toBeDefined();
    app.env.sandbox.state.putResource({
      id: `/subscriptions/${subscriptionId}/resourceGroups/rg-exports/providers/Microsoft.Storage/storageAccounts/stlitwareexports`,
      location: 'West Europe',
    });
    app.env.sandbox.state.blobs.createContainer('stlitwareexports', 'exports', new Date());
    const delivery = { blobServiceUrl: `${app.env.sandbox.urls.storage}/stlitwareexports`, container: 'exports' };
    await withDelivery('litware', delivery, async () => {
      const result = await collectCustomer(message('litware', 'deliver-mi-1'), app.services, recordingLogger());
      expect(result.delivery).toMatchObject({ ok: false });
      expect(result.diagnosis).toMatchObject({
        stage: 'delivery',
        code: 'DeliveryPrincipalNotInTenant',
        httpStatus: 401,
        who: 'provider',
      });
      expect(result.diagnosis?.rawMessage).toContain('Server failed to authenticate the request');
      expect(result.diagnosis?.cause).toContain('a managed identity exists only in its home tenant');
      expect(result.diagnosis?.cause).toContain(`belongs to tenant ${litware.tenantId}`);
    });
  });

  it('records DeliveryContainerNotFound when the container does not exist', async () => {
    const delivery = {
      blobServiceUrl: `${app.env.sandbox.urls.storage}/${DEMO_DELIVERY.account}`,
      container: 'not-created',
    };
    app.env.sandbox.state.assignRole(contoso.objectId, accountId, 'Storage Blob Data Contributor');
    try {
      await withDelivery('contoso', delivery, async () => {
        const result = await collectCustomer(message('contoso', 'deliver-404-1'), app.services, recordingLogger());
        expect(result.diagnosis).toMatchObject({
          stage: 'delivery',
          code: 'DeliveryContainerNotFound',
          httpStatus: 404,
        });
        expect(result.diagnosis?.commands?.azCli).toBe(
          `az storage container create --account-name ${DEMO_DELIVERY.account} --name not-created --auth-mode login`,
        );
      });
    } finally {
      app.env.sandbox.state.removeRole(contoso.objectId, accountId, 'Storage Blob Data Contributor');
    }
  });
});

describe('connection test: delivery stage', () => {
  it('writes and deletes a probe blob and reports the stage as passed', async () => {
    const report = await runConnectionTest(await registered('contoso'), app.services);
    const stage = report.stages.find((s) => s.stage === 'delivery');
    expect(stage).toMatchObject({ ok: true });
    expect(stage?.detail).toContain(`container ${DEMO_DELIVERY.container}`);
    expect(report.ok).toBe(true);
    const left: string[] = [];
    for await (const blob of customerContainer().listBlobsFlat({ prefix: DELIVERY_PROBE_PREFIX })) left.push(blob.name);
    expect(left).toEqual([]);
  });

  it('fails the delivery stage with DeliveryRoleMissing when the role is gone', async () => {
    app.env.sandbox.state.removeRole(contoso.objectId, containerScope, 'Storage Blob Data Contributor');
    try {
      const report = await runConnectionTest(await registered('contoso'), app.services);
      const stage = report.stages.find((s) => s.stage === 'delivery');
      expect(stage).toMatchObject({ ok: false, diagnosis: { code: 'DeliveryRoleMissing', who: 'customer' } });
      expect(report.ok).toBe(false);
      expect(report.customerMustAct).toBe(1);
    } finally {
      app.env.sandbox.state.assignRole(contoso.objectId, containerScope, 'Storage Blob Data Contributor');
    }
  });
});
