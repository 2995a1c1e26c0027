import { randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { MetricsClient } from '@azure/monitor-query-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';
import { readAzureSpec } from '../../support/azure-spec-examples';

const EXAMPLE = 'monitor/Azure.Monitor.Query.Metrics/examples/2024-02-01/MetricBatchExample.json';
const METRICS_SCOPE = 'https://metrics.monitor.azure.com/.default';
const ARM_SCOPE = 'https://management.azure.com/.default';

describe('sandbox metrics:getBatch and ARM read throttling', () => {
  let sandbox: SandboxCloud;
  const tenantId = randomUUID();
  const subscriptionId = randomUUID();
  const otherSubscriptionId = randomUUID();
  const subReader = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };
  const resourceReader = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/rg`;
  const vm = (n: number, sub = subscriptionId) =>
    `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${n}`;
  const storage = `${rg}/providers/Microsoft.Storage/storageAccounts/st1`;
  const northVm = `${rg}/providers/Microsoft.Compute/virtualMachines/vm-north`;
  const window = { startTime: new Date('2026-03-02T09:00:00Z'), endTime: new Date('2026-03-02T10:00:00Z') };

  const credentialFor = (principal: { clientId: string; secret: string }) =>
    new ClientSecretCredential(tenantId, principal.clientId, principal.secret, {
      authorityHost: sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
  const clientFor = (principal: { clientId: string; secret: string }, region = 'westeurope') =>
    new MetricsClient(`${sandbox.urls.metrics}/${region}`, credentialFor(principal), {
      audience: METRICS_SCOPE,
      retryOptions: { maxRetries: 0 },
    });

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    trustCertificate(certificate.caPem);
    const expiresAt = new Date(Date.now() + 86_400_000);
    const vms = Array.from({ length: 51 }, (_, i) => ({ id: vm(i), location: 'West Europe' }));
    sandbox = await startSandboxCloud({
      certificate,
      seed: {
        tenants: [{ tenantId }],
        subscriptions: [
          { subscriptionId, tenantId },
          { subscriptionId: otherSubscriptionId, tenantId },
        ],
        apps: [
          { tenantId, ...subReader, secrets: [{ value: subReader.secret, expiresAt }] },
          { tenantId, ...resourceReader, secrets: [{ value: resourceReader.secret, expiresAt }] },
        ],
        roleAssignments: [
          { principalId: subReader.objectId, scope: `/subscriptions/${subscriptionId}`, roleName: 'Monitoring Reader' },
          { principalId: subReader.objectId, scope: `/subscriptions/${otherSubscriptionId}`, roleName: 'Reader' },
          { principalId: resourceReader.objectId, scope: vm(0), roleName: 'Monitoring Reader' },
        ],
        resources: [
          ...vms,
          { id: vm(0, otherSubscriptionId), location: 'West Europe' },
          { id: northVm, location: 'North Europe' },
          { id: storage, location: 'West Europe' },
        ],
      },
    });
  });
  afterAll(() => sandbox?.close());

  it('answers one values item per resource in the shape of MetricBatchExample.json, keyed by resourceid', async () => {
    const example = readAzureSpec<{
      responses: { 200: { body: { values: Record<string, unknown>[] } } };
    }>(EXAMPLE);
    const exampleItem = example.responses[200].body.values[0]!;
    const results = await clientFor(subReader).queryResources(
      [vm(1), vm(2)],
      ['Percentage CPU', 'Available Memory Bytes'],
      'Microsoft.Compute/virtualMachines',
      { ...window, interval: 'PT5M', aggregation: 'average,maximum' },
    );
    expect(results.map((r) => r.resourceId)).toEqual([vm(1), vm(2)]);
    expect(results[0]!.resourceRegion).toBe('westeurope');
    expect(results[0]!.metrics.map((m) => m.name)).toHaveLength(2);
    expect(results[0]!.metrics[0]!.timeseries[0]!.data).toHaveLength(12);
    // The raw body carries the example's fields.
    const token = await credentialFor(subReader).getToken(METRICS_SCOPE);
    const res = await fetch(
      `${sandbox.urls.metrics}/westeurope/subscriptions/${subscriptionId}/metrics:getBatch?api-version=2024-02-01&metricnamespace=microsoft.compute/virtualmachines&metricnames=Percentage%20CPU&starttime=2026-03-02T09:00:00Z&endtime=2026-03-02T10:00:00Z`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resourceids: [vm(3)] }),
      },
    );
    const body = (await res.json()) as { values: Record<string, unknown>[] };
    expect(Object.keys(body.values[0]!).sort()).toEqual(Object.keys(exampleItem).sort());
  });

  it('refuses batches that break a batching rule with 400', async () => {
    const client = clientFor(subReader);
    const ask = (ids: string[], names = ['Percentage CPU'], type = 'Microsoft.Compute/virtualMachines') =>
      client.queryResources(ids, names, type, window).then(
        () => 200,
        (e: { statusCode?: number }) => e.statusCode,
      );
    expect(await ask(Array.from({ length: 51 }, (_, i) => vm(i)))).toBe(400); // > 50 ids
    expect(await ask([vm(1), vm(0, otherSubscriptionId)])).toBe(400); // two subscriptions
    expect(await ask([vm(1), northVm])).toBe(400); // another region than the host's
    expect(await ask([vm(1), storage])).toBe(400); // two types
    expect(
      await ask(
        [vm(1)],
        Array.from({ length: 21 }, (_, i) => `m${i}`),
      ),
    ).toBe(400); // > 20 metrics
    expect(await ask([northVm])).toBe(400); // asked on the westeurope host
    expect(
      await clientFor(subReader, 'northeurope')
        .queryResources([northVm], ['Percentage CPU'], 'Microsoft.Compute/virtualMachines', window)
        .then((r) => r.length),
    ).toBe(1);
  });

  it('answers 401 to a principal whose role is on the resources, not on the subscription', async () => {
    const error = await clientFor(resourceReader)
      .queryResources([vm(0)], ['Percentage CPU'], 'Microsoft.Compute/virtualMachines', window)
      .catch((e: { statusCode?: number; code?: string }) => e);
    expect(error).toMatchObject({ statusCode: 401, code: 'Unauthorized' });
  });

  it('throttles ARM reads per principal and subscription with a 250 token bucket, reporting what remains', async () => {
    sandbox.state.armReads.reset();
    sandbox.state.armReads.limits = { burst: 5, refillPerSecond: 0.001 }; // the same algorithm, small enough to drain
    try {
      const token = await credentialFor(subReader).getToken(ARM_SCOPE);
      const get = (id: string) =>
        fetch(`${sandbox.urls.arm}${id}?api-version=2024-07-01`, {
          headers: { authorization: `Bearer ${token.token}` },
        });
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 5; i++)
        remaining.push((await get(vm(1))).headers.get('x-ms-ratelimit-remaining-subscription-reads'));
      expect(remaining).toEqual(['4', '3', '2', '1', '0']);
      const throttled = await get(vm(2));
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe(
        'SubscriptionRequestsThrottled',
      );
      // Another subscription has its own bucket.
      expect((await get(vm(0, otherSubscriptionId))).status).toBe(200);
    } finally {
      sandbox.state.armReads.limits = { burst: 250, refillPerSecond: 25 };
      sandbox.state.armReads.reset();
    }
  });

  it('reports the Resource Graph quota in x-ms-user-quota-* headers and answers 429 without Retry-After past it', async () => {
    const token = await credentialFor(subReader).getToken(ARM_SCOPE);
    const query = () =>
      fetch(`${sandbox.urls.arm}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subscriptions: [subscriptionId], query: 'Resources | project id' }),
      });
    sandbox.state.resourceGraphQuota.reset();
    // The same quota over a window long enough that a loaded machine cannot outlast it.
    sandbox.state.resourceGraphQuota.limits = { queries: 15, windowMs: 120_000 };
    const first = await query();
    expect(first.headers.get('x-ms-user-quota-remaining')).toBe('14');
    expect(first.headers.get('x-ms-user-quota-resets-after')).toMatch(/^00:0[12]:\d\d$/);
    for (let i = 0; i < 14; i++) await query();
    const refused = await query();
    expect(refused.status).toBe(429);
    // Resource Graph's RateLimiting answer names no Retry-After (azure-sdk-for-python#5412): the quota headers do.
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('x-ms-user-quota-remaining')).toBe('0');
    expect(refused.headers.get('x-ms-user-quota-resets-after')).toMatch(/^00:0[012]:\d\d$/);
    sandbox.state.resourceGraphQuota.limits = { queries: 15, windowMs: 5000 };
    sandbox.state.resourceGraphQuota.reset();
  });
});
