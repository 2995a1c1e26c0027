import { TableClient } from '@azure/data-tables';
import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCOVERY_TABLE } from '../../lib/app/storage-names';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { DiscoveryStore } from '../../lib/discovery/discovery-store';
import { ResourceDiscovery } from '../../lib/discovery/resource-discovery';
import { getCustomerMetrics } from '../../lib/http/metrics-handlers';
import { AUTH_MODE_DEMO_IDS } from '../../lib/local/demo/build-auth-mode-demo';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

const SUB = AUTH_MODE_DEMO_IDS.litware.subscriptionId;
const vmId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg-etl/providers/Microsoft.Compute/virtualMachines/${name}`;
const ETL_VM = vmId('vm-litware-etl');
const NEW_VM = vmId('vm-litware-new');
const HOUR = 3_600_000;
const start = new Date('2026-11-22T09:30:00.000Z');
const message: CollectMessage = {
  version: 1,
  runId: '20261122T0800Z-dddddddd',
  customerId: 'litware',
  windowStart: '2026-11-22T08:00:00.000Z',
  windowEnd: '2026-11-22T09:00:00.000Z',
  trigger: 'schedule',
};

let app: TestApp;
let clock = start;
let deps: TestApp['services'];

/** One worker run for litware at `hoursLater`; returns the result, log lines and the VMs whose metrics were read. */
async function runAt(hoursLater: number) {
  clock = new Date(start.getTime() + hoursLater * HOUR);
  app.env.sandbox.requests.clear();
  const log = recordingLogger();
  const result = await collectCustomer(message, deps, log);
  const metricReads = app.env.sandbox.requests
    .list('arm')
    .filter((r) => r.path.toLowerCase().endsWith('/providers/microsoft.insights/metrics'))
    .map((r) => r.path.split('/providers/Microsoft.Insights')[0]?.split('/').slice(0, 9).join('/') ?? '');
  // Every run also reads resource state with one Resource Graph query; the rest are discovery's.
  const graphQueries = app.env.sandbox.requests.list('arm').filter((r) => r.path.includes('ResourceGraph')).length - 1;
  return { result, log, metricReads, graphQueries };
}

beforeAll(async () => {
  app = await startTestApp();
  // The discovery clock is the test's; the sandbox keeps real time so tokens stay valid.
  const discovery = new ResourceDiscovery(
    new DiscoveryStore(TableClient.fromConnectionString(app.env.azurite.connectionString, DISCOVERY_TABLE)),
    { armEndpoint: app.services.config.armEndpoint, cacheHours: 24, now: () => clock, pageSize: 1 },
  );
  // Per-resource metrics, so the test can see which VMs' metrics were read.
  deps = { ...app.services, discovery, settings: { ...app.services.settings, metricsMode: 'perResource' } };
});
afterAll(async () => app?.close());

describe('ResourceDiscovery in the worker', () => {
  it('collects discovered resources, reuses the list within the cache time, picks up a new one after it, and reports a vanished one once', async () => {
    const first = await runAt(0);
    expect(first.result.outcome).toBe('ok');
    expect(first.graphQueries).toBe(1);
    expect(first.result.resources.map((r) => r.resourceId)).toContain(ETL_VM);
    expect(first.metricReads.map((p) => p.toLowerCase())).toContain(ETL_VM.toLowerCase());
    expect(first.log.lines.some((l) => l.includes('"event":"ResourceDiscovered"') && l.includes(ETL_VM))).toBe(true);

    // A VM added in the customer's subscription is not seen while the cached list is fresh...
    app.env.sandbox.state.putResource({ id: NEW_VM, location: 'West Europe', properties: {} });
    const cached = await runAt(2);
    expect(cached.graphQueries).toBe(0);
    expect(cached.result.resources.map((r) => r.resourceId)).not.toContain(NEW_VM);

    // ...and is collected once the cache has expired.
    const refreshed = await runAt(25);
    expect(refreshed.graphQueries).toBeGreaterThan(0);
    expect(refreshed.result.resources.find((r) => r.resourceId === NEW_VM)).toMatchObject({ ok: true, datapoints: 16 });

    // The ETL VM is deleted: after the next refresh it is no longer read, and reported exactly once.
    app.env.sandbox.state.removeResource(ETL_VM);
    const gone = await runAt(50);
    expect(gone.result.outcome).toBe('ok');
    expect(gone.result.resources.map((r) => r.resourceId)).not.toContain(ETL_VM);
    expect(gone.metricReads.map((p) => p.toLowerCase())).not.toContain(ETL_VM.toLowerCase());
    const vanishedLines = gone.log.lines.filter((l) => l.includes('"event":"ResourceVanished"'));
    expect(vanishedLines).toHaveLength(1);
    expect(vanishedLines[0]).toContain(ETL_VM);
    const record = await new DiscoveryStore(
      TableClient.fromConnectionString(app.env.azurite.connectionString, DISCOVERY_TABLE),
    ).read('litware');
    expect(record.entries.find((e) => e.resourceId === ETL_VM)?.vanishedAt).toBe(
      new Date(start.getTime() + 50 * HOUR).toISOString(),
    );

    const later = await runAt(75);
    expect(later.graphQueries).toBeGreaterThan(0);
    expect(later.log.lines.filter((l) => l.includes('ResourceVanished'))).toEqual([]);
    expect(later.result.resources.map((r) => r.resourceId)).not.toContain(ETL_VM);
  });

  it('keeps collecting configured and last-known resources when the Resource Graph query fails, and lets the host retry', async () => {
    clock = new Date(start.getTime() + 120 * HOUR);
    app.env.sandbox.state.injectFault({
      service: 'arm',
      match: (path) => path.includes('ResourceGraph'),
      status: 429,
      times: 10,
    });
    const log = recordingLogger();
    try {
      await expect(collectCustomer(message, deps, log)).rejects.toMatchObject({ kind: 'transient' });
    } finally {
      app.env.sandbox.state.clearFaults();
    }
    expect(log.lines.some((l) => l.includes('"event":"DiscoveryFailed"'))).toBe(true);
    const status = await app.services.statuses.find('litware');
    expect(status).toMatchObject({ outcome: 'failed', errorStage: 'arm' });
    // The last known list (with the VM discovered earlier) was still collected.
    expect(status?.resources.find((r) => r.resourceId === NEW_VM)).toMatchObject({ ok: true, datapoints: 16 });
  });

  it('lets the metrics API and the resources view read discovered resources, but not vanished ones', async () => {
    const litware = await deps.discovery.withKnownResources(await deps.registry.get('litware'));
    const ids = litware.resources.map((r) => r.resourceId);
    expect(ids).toContain(NEW_VM);
    expect(ids).not.toContain(ETL_VM);
    const url = new URL('http://localhost/api/customers/litware/metrics');
    url.searchParams.set('resource', NEW_VM);
    url.searchParams.set('from', message.windowStart);
    url.searchParams.set('to', message.windowEnd);
    const response = await getCustomerMetrics(
      deps,
      new HttpRequest({ method: 'GET', url: url.toString(), params: { id: 'litware' } }),
    );
    expect(response.status).toBe(200);
    const body = response.jsonBody as { series: Array<{ resourceId: string; points: unknown[] }> };
    expect(body.series.find((s) => s.resourceId === NEW_VM)?.points).toHaveLength(12);
  });
});
