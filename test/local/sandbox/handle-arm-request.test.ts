import { randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { MonitorClient } from '@azure/arm-monitor';
import { ResourceManagementClient } from '@azure/arm-resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAzureSpec } from '../../support/azure-spec-examples';
import { shapeOf } from '../../support/shape-of';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';

const ARM_SCOPES = ['https://management.azure.com/.default'];

function loadExample(relativePath: string): {
  parameters: Record<string, unknown>;
  responses: { 200: { body: Record<string, unknown> } };
} {
  return readAzureSpec(relativePath);
}

describe('sandbox ARM', () => {
  let sandbox: SandboxCloud;
  const tenantId = randomUUID();
  const otherTenantId = randomUUID();
  const subscriptionId = randomUUID();
  const reader = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };
  const narrow = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };
  const foreign = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/rg-data`;
  const vmId = `${rg}/providers/Microsoft.Compute/virtualMachines/vm1`;
  const pbiId = `${rg}/providers/Microsoft.PowerBIDedicated/capacities/pbi1`;
  const fabricId = `${rg}/providers/Microsoft.Fabric/capacities/fabric1`;
  const storageId = `${rg}/providers/Microsoft.Storage/storageAccounts/st1`;
  const blobServiceId = `${storageId}/blobServices/default`;
  const window = { timespan: '2026-03-02T09:00:00Z/2026-03-02T12:00:00Z', interval: 'PT5M' };

  const credentialFor = (principal: { clientId: string; secret: string }, tenant = tenantId) =>
    new ClientSecretCredential(tenant, principal.clientId, principal.secret, {
      authorityHost: sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
  const monitorFor = (principal: { clientId: string; secret: string }, tenant = tenantId) =>
    new MonitorClient(credentialFor(principal, tenant), subscriptionId, {
      endpoint: sandbox.urls.arm,
      credentials: { scopes: ARM_SCOPES },
      retryOptions: { maxRetries: 0 },
    });
  const rawGet = async (
    urlPath: string,
    principal = reader,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const token = await credentialFor(principal).getToken(ARM_SCOPES);
    const res = await fetch(`${sandbox.urls.arm}${urlPath}`, {
      headers: { authorization: `Bearer ${token.token}`, 'x-ms-client-request-id': 'req-1' },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    trustCertificate(certificate.caPem);
    const expiresAt = new Date(Date.now() + 86_400_000);
    sandbox = await startSandboxCloud({
      certificate,
      seed: {
        tenants: [{ tenantId }, { tenantId: otherTenantId }],
        subscriptions: [{ subscriptionId, tenantId }],
        apps: [
          { tenantId, ...reader, secrets: [{ value: reader.secret, expiresAt }] },
          { tenantId, ...narrow, secrets: [{ value: narrow.secret, expiresAt }] },
          { tenantId: otherTenantId, ...foreign, secrets: [{ value: foreign.secret, expiresAt }] },
        ],
        roleAssignments: [
          { principalId: reader.objectId, scope: `/subscriptions/${subscriptionId}`, roleName: 'Reader' },
          { principalId: narrow.objectId, scope: storageId, roleName: 'Monitoring Reader' },
          { principalId: foreign.objectId, scope: `/subscriptions/${subscriptionId}`, roleName: 'Reader' },
        ],
        resources: [
          { id: vmId, location: 'West Europe', properties: { hardwareProfile: { vmSize: 'Standard_D2s_v5' } } },
          {
            id: pbiId,
            location: 'West Europe',
            sku: { name: 'A1', tier: 'PBIE_Azure' },
            properties: { state: 'Succeeded' },
          },
          {
            id: fabricId,
            location: 'West Central US',
            sku: { name: 'F2', tier: 'Fabric' },
            properties: {
              provisioningState: 'Succeeded',
              state: 'Active',
              administration: { members: ['admin@example.com'] },
            },
          },
          { id: storageId, location: 'North Europe', kind: 'StorageV2', properties: {} },
          { id: blobServiceId, location: 'West US 2', properties: {} },
        ],
      },
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('metrics', () => {
    it('returns one point per interval with the requested aggregations, through a real MonitorClient', async () => {
      const result = await monitorFor(reader).metrics.list(vmId, {
        ...window,
        metricnames: 'Percentage CPU',
        aggregation: 'Average,Maximum',
      });
      const metric = result.value[0];
      const data = metric?.timeseries?.[0]?.data ?? [];
      expect(metric?.name.value).toBe('Percentage CPU');
      expect(metric?.unit).toBe('Percent');
      expect(data).toHaveLength(36);
      expect(data[0]?.timeStamp.toISOString()).toBe('2026-03-02T09:00:00.000Z');
      expect(data[35]?.timeStamp.toISOString()).toBe('2026-03-02T11:55:00.000Z');
      for (const point of data) {
        expect(point.average).toBeGreaterThanOrEqual(5);
        expect(point.maximum).toBeLessThanOrEqual(90);
        expect(point.maximum).toBeGreaterThanOrEqual(point.average ?? Infinity);
        expect(point.total).toBeUndefined();
      }
      expect(result.interval).toBe('PT5M');
      expect(result.resourceregion).toBe('westeurope');
      expect(sandbox.requests.list('arm').at(-1)?.path).toBe(`${vmId}/providers/Microsoft.Insights/metrics`);
    });

    it('is deterministic: the same call twice gives the same numbers, another resource differs', async () => {
      const client = monitorFor(reader);
      const options = { ...window, metricnames: 'cpu_metric,overload_metric', aggregation: 'Average,Maximum' };
      const first = await client.metrics.list(pbiId, options);
      const second = await client.metrics.list(pbiId, options);
      const values = (r: typeof first) =>
        r.value.map((m) => m.timeseries?.[0]?.data?.map((d) => [d.average, d.maximum]));
      expect(values(second)).toEqual(values(first));
      expect(first.value.map((m) => m.name.value)).toEqual(['cpu_metric', 'overload_metric']);
      const overload = first.value[1]?.timeseries?.[0]?.data ?? [];
      expect(overload.every((d) => d.maximum === 0 || d.maximum === 1)).toBe(true);
      const vm = await client.metrics.list(vmId, {
        ...window,
        metricnames: 'Percentage CPU',
        aggregation: 'Average,Maximum',
      });
      expect(values(vm)[0]).not.toEqual(values(first)[0]);
    });

    it('answers a principal without a role on the resource with a 403 AuthorizationFailed RestError', async () => {
      const error = await monitorFor(narrow)
        .metrics.list(vmId, { ...window, metricnames: 'Percentage CPU', aggregation: 'Average' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'RestError', statusCode: 403, code: 'AuthorizationFailed' });
      expect((error as Error).message).toBe(
        `The client '${narrow.clientId}' with object id '${narrow.objectId}' does not have authorization to perform action ` +
          `'Microsoft.Insights/metrics/read' over scope '${vmId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    });

    it('lets Monitoring Reader on the resource read its metrics', async () => {
      const result = await monitorFor(narrow).metrics.list(storageId, {
        ...window,
        interval: 'PT1H',
        metricnames: 'UsedCapacity',
        aggregation: 'Average',
      });
      expect(result.value[0]?.timeseries?.[0]?.data).toHaveLength(3);
      expect(result.value[0]?.unit).toBe('Bytes');
    });

    it('answers an unknown metric name with a flat 400 BadRequest listing the valid metrics', async () => {
      const error = await monitorFor(reader)
        .metrics.list(vmId, { ...window, metricnames: 'CPU Credits' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 400, code: 'BadRequest' });
      expect((error as Error).message).toBe(
        "Failed to find metric configuration for provider: Microsoft.Compute, resource Type: virtualMachines, metric: 'CPU Credits', " +
          'Valid metrics: Percentage CPU,Available Memory Bytes,Network In Total,Network Out Total',
      );
    });

    it('rejects a token whose tenant does not own the subscription with 401 InvalidAuthenticationTokenTenant', async () => {
      const error = await monitorFor(foreign, otherTenantId)
        .metrics.list(vmId, { ...window, metricnames: 'Percentage CPU' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenTenant' });
    });

    it('answers in the shape of GetMetric.json (without dimension metadata)', async () => {
      const example = loadExample(
        'monitor/resource-manager/Microsoft.Insights/stable/2024-02-01/examples/GetMetric.json',
      ).responses[200].body;
      const query = new URLSearchParams({
        'api-version': '2024-02-01',
        ...window,
        metricnames: 'UsedCapacity',
        aggregation: 'average,minimum,maximum',
      });
      const { status, body, headers } = await rawGet(
        `/${storageId}/providers/Microsoft.Insights/metrics?${query.toString()}`,
      );
      expect(status).toBe(200);
      const exampleShape = shapeOf(example) as { value: [{ timeseries: [{ metadatavalues: unknown }] }] };
      exampleShape.value[0].timeseries[0].metadatavalues = [];
      expect(shapeOf(body)).toEqual(exampleShape);
      expect(headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(headers.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(headers.get('x-ms-client-request-id')).toBe('req-1');
    });

    it('splits BlobCount and BlobCapacity by tier exactly as GetMetric.json, for its own request', async () => {
      const example = loadExample(
        'monitor/resource-manager/Microsoft.Insights/stable/2024-02-01/examples/GetMetric.json',
      );
      const p = example.parameters;
      const result = await monitorFor(reader).metrics.list(blobServiceId, {
        timespan: p.timespan as string,
        interval: p.interval as string,
        metricnames: p.metricnames as string,
        aggregation: p.aggregation as string,
        filter: p.$filter as string,
        top: p.top as number,
        autoAdjustTimegrain: true,
      });
      const body = example.responses[200].body as {
        interval: string;
        value: { name: { value: string }; timeseries: { metadatavalues: { value: string }[]; data: unknown[] }[] }[];
      };
      // The example asks PT6H of an hourly-only metric and gets PT1H back.
      expect(result.interval).toBe(body.interval);
      const byTier = (value: typeof body.value) =>
        value.map((m) => ({
          metric: m.name.value,
          series: Object.fromEntries(m.timeseries.map((t) => [t.metadatavalues[0]!.value, t.data])),
        }));
      const answered = JSON.parse(JSON.stringify(result).replace(/\.000Z/g, 'Z')) as typeof body;
      expect(byTier(answered.value)).toEqual(byTier(body.value));
      expect(answered.value[0]!.timeseries[0]!.metadatavalues).toEqual([
        { name: { value: 'tier', localizedValue: 'tier' }, value: 'Hot' },
      ]);
    });

    it('answers at most `top` split series (10 by default), and refuses a dimension the metric lacks', async () => {
      const split = { ...window, interval: 'PT1H', metricnames: 'BlobCount', filter: "Tier eq '*'" };
      const two = await monitorFor(reader).metrics.list(blobServiceId, { ...split, top: 2 });
      expect(two.value[0]!.timeseries!.map((t) => t.metadatavalues![0]!.value)).toEqual(['Hot', 'Standard']);
      const unsplit = await monitorFor(reader).metrics.list(blobServiceId, {
        ...window,
        interval: 'PT1H',
        metricnames: 'BlobCount',
      });
      expect(unsplit.value[0]!.timeseries).toHaveLength(1);
      expect(unsplit.value[0]!.timeseries![0]!.data![0]!.average).toBe(9);
      const error = await monitorFor(reader)
        .metrics.list(blobServiceId, { ...split, filter: "ApiName eq '*'" })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 400 });
      const wrongGrain = await monitorFor(reader)
        .metrics.list(blobServiceId, { ...split, interval: 'PT5M' })
        .catch((e: unknown) => e);
      expect(wrongGrain).toMatchObject({ statusCode: 400 });
    });

    it('answers the newest slots with a timestamp and no aggregate: their minutes are not ingested yet', async () => {
      const now = Date.now();
      const start = new Date(Math.floor(now / 300_000) * 300_000 - 1_800_000);
      const end = new Date(start.getTime() + 2_700_000);
      const result = await monitorFor(reader).metrics.list(vmId, {
        timespan: `${start.toISOString()}/${end.toISOString()}`,
        interval: 'PT5M',
        metricnames: 'Percentage CPU',
        aggregation: 'Average',
      });
      const data = result.value[0]!.timeseries![0]!.data!;
      expect(data).toHaveLength(9);
      expect(data[0]!.average).toBeTypeOf('number');
      // The last slot starts after "now": nothing can have arrived for it.
      expect(data.at(-1)!.average).toBeUndefined();
      expect(Object.keys(JSON.parse(JSON.stringify(data.at(-1))) as object)).toEqual(['timeStamp']);
    });

    it('answers metric definitions in the shape of GetMetricDefinitionsMetricClass.json, and none for Fabric', async () => {
      const example = loadExample(
        'monitor/resource-manager/Microsoft.Insights/stable/2024-02-01/examples/GetMetricDefinitionsMetricClass.json',
      ).responses[200].body as { value: Record<string, unknown>[] };
      const withoutDimensions = example.value.find((d) => !('dimensions' in d));
      const { status, body } = await rawGet(
        `${vmId}/providers/Microsoft.Insights/metricDefinitions?api-version=2024-02-01`,
      );
      expect(status).toBe(200);
      expect(shapeOf(body)).toEqual(shapeOf({ value: [withoutDimensions] }));
      expect((body.value as { name: { value: string } }[]).map((d) => d.name.value)).toEqual([
        'Percentage CPU',
        'Available Memory Bytes',
        'Network In Total',
        'Network Out Total',
      ]);
      const fabric = await monitorFor(reader).metricDefinitions.list(fabricId);
      const names: string[] = [];
      for await (const definition of fabric) names.push(definition.name?.value ?? '');
      expect(names).toEqual([]);
    });
  });

  describe('resources', () => {
    it('reads a Fabric capacity through a real ResourceManagementClient.resources.getById', async () => {
      const client = new ResourceManagementClient(credentialFor(reader), subscriptionId, {
        endpoint: sandbox.urls.arm,
      });
      const resource = await client.resources.getById(fabricId, '2023-11-01');
      expect(resource).toMatchObject({
        id: fabricId,
        name: 'fabric1',
        type: 'Microsoft.Fabric/capacities',
        location: 'West Central US',
      });
      expect(resource.sku?.name).toBe('F2');
      expect((resource.properties as { state: string }).state).toBe('Active');
    });

    it('answers in the shape of FabricCapacities_Get.json', async () => {
      const example = loadExample(
        'fabric/resource-manager/Microsoft.Fabric/Fabric/stable/2026-08-01/examples/FabricCapacities_Get.json',
      ).responses[200].body;
      const { status, body } = await rawGet(`${fabricId}?api-version=2023-11-01`);
      expect(status).toBe(200);
      expect(shapeOf(body)).toEqual(shapeOf(example));
    });

    it('shows a paused capacity once the state changes', async () => {
      sandbox.state.updateResourceProperties(fabricId, { state: 'Paused' });
      try {
        const { body } = await rawGet(`${fabricId}?api-version=2023-11-01`);
        expect((body.properties as { state: string }).state).toBe('Paused');
      } finally {
        sandbox.state.updateResourceProperties(fabricId, { state: 'Active' });
      }
    });

    it('answers an unknown resource with 404 ResourceNotFound in the ARM error shape', async () => {
      const { status, body } = await rawGet(
        `${rg}/providers/Microsoft.Fabric/capacities/missing?api-version=2023-11-01`,
      );
      expect(status).toBe(404);
      expect(body).toEqual({
        error: {
          code: 'ResourceNotFound',
          message:
            "The Resource 'Microsoft.Fabric/capacities/missing' under resource group 'rg-data' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
        },
      });
    });

    it('answers 403 AuthorizationFailed naming the resource read action', async () => {
      const { status, body } = await rawGet(`${fabricId}?api-version=2023-11-01`, narrow);
      expect(status).toBe(403);
      expect((body.error as { code: string; message: string }).message).toContain(
        "perform action 'Microsoft.Fabric/capacities/read'",
      );
    });

    it('requires api-version (400 MissingApiVersionParameter)', async () => {
      const { status, body } = await rawGet(fabricId);
      expect(status).toBe(400);
      expect((body.error as { code: string }).code).toBe('MissingApiVersionParameter');
    });

    it('lists role assignments at a scope, filtered by principal', async () => {
      const filter = encodeURIComponent(`principalId eq '${reader.objectId}'`);
      const { status, body } = await rawGet(
        `${vmId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${filter}`,
      );
      expect(status).toBe(200);
      const value = body.value as { properties: { principalId: string; scope: string; roleDefinitionId: string } }[];
      expect(value).toHaveLength(1);
      expect(value[0]?.properties).toMatchObject({
        principalId: reader.objectId,
        scope: `/subscriptions/${subscriptionId}`,
      });
      expect(value[0]?.properties.roleDefinitionId).toMatch(/acdd72a7-3385-48ef-bd42-f606fba81ae7$/);
    });
  });

  describe('fault injection', () => {
    it('fails the next matching requests with the scripted status and Retry-After, which the SDK retries', async () => {
      sandbox.state.injectFault({
        service: 'arm',
        match: (p) => p.endsWith('/metrics'),
        status: 503,
        retryAfterSeconds: 0,
        times: 1,
      });
      const client = new MonitorClient(credentialFor(reader), subscriptionId, {
        endpoint: sandbox.urls.arm,
        credentials: { scopes: ARM_SCOPES },
      });
      sandbox.requests.clear();
      const result = await client.metrics.list(vmId, { ...window, metricnames: 'Percentage CPU' });
      expect(result.value).toHaveLength(1);
      expect(sandbox.requests.list('arm').map((r) => r.status)).toEqual([503, 200]);
    });
  });
});
