import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCustomer } from '../../lib/collect/collect-customer';
import type { CollectMessage } from '../../lib/collect/collect-message';
import { settleCustomerWindow } from '../../lib/settle/settle-customer-window';
import { FabricCollector } from '../../lib/fabric/collect-fabric-capacities';
import { FabricModelStore } from '../../lib/fabric/fabric-model-store';
import {
  createIngestKey,
  listIngestKeys,
  postFabricEvents,
  revokeIngestKey,
  verifyFabricIngestKey,
} from '../../lib/http/fabric-handlers';
import { toProblemResponse } from '../../lib/http/problem-response';
import { getCustomerMetrics } from '../../lib/http/metrics-handlers';
import { FABRIC_DEMO_IDS, WOODGROVE_CAPACITY } from '../../lib/local/demo/add-fabric-demo';
import { buildSummaryEvents } from '../../lib/local/demo/build-capacity-events';
import { buildDemoScenario } from '../../lib/local/demo/build-demo-scenario';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
const log = recordingLogger();
const responses: HttpResponseInit[] = [];
const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
const start = new Date(end.getTime() - 3_600_000);
const woodgrove = {
  capacityId: FABRIC_DEMO_IDS.woodgrove.capacityId,
  capacityName: WOODGROVE_CAPACITY,
  sku: 'F8',
  tenantId: FABRIC_DEMO_IDS.woodgrove.tenantId,
  profile: 'busy' as const,
};

/** Calls a handler the way the function does (errors through the one problem mapper) and keeps the answer. */
async function call(
  handler: (request: HttpRequest) => Promise<HttpResponseInit>,
  init: { method: string; path: string; key?: string; body?: unknown; params?: Record<string, string> },
): Promise<HttpResponseInit> {
  const request = new HttpRequest({
    method: init.method,
    url: `http://localhost/api${init.path}`,
    headers: { 'content-type': 'application/json', ...(init.key ? { 'x-ctc-ingest-key': init.key } : {}) },
    params: { id: 'woodgrove', ...init.params },
    ...(init.body !== undefined ? { body: { string: JSON.stringify(init.body) } } : {}),
  });
  let response: HttpResponseInit;
  try {
    response = await handler(request);
  } catch (error) {
    response = toProblemResponse(error, log, `/api${init.path}`);
  }
  responses.push(response);
  return response;
}

const push = (key: string | undefined, body: unknown) =>
  call(async (r) => postFabricEvents(app.services, r, await verifyFabricIngestKey(app.services, r)), {
    method: 'POST',
    path: '/customers/woodgrove/fabric-events',
    key,
    body,
  });
const newKey = async (body?: unknown) => {
  const response = await call((r) => createIngestKey(app.services, r), {
    method: 'POST',
    path: '/customers/woodgrove/ingest-keys',
    ...(body ? { body } : {}),
  });
  return response.jsonBody as { keyId: string; key: string };
};

beforeAll(async () => {
  app = await startTestApp({ scenario: buildDemoScenario(new Date(), { fabric: true }) });
});
afterAll(async () => app?.close());

describe('Fabric capacity events, push path', () => {
  let key: string;

  it('creates an ingest key shown once, and refuses pushes without a live key (401, key not echoed)', async () => {
    const created = await newKey();
    key = created.key;
    expect(key).toMatch(/^ctcik_[0-9a-f]{16}_/);
    const events = buildSummaryEvents(woodgrove, start, new Date(start.getTime() + 60_000));
    expect((await push(undefined, events)).status).toBe(401);
    const wrong = `${key.slice(0, -4)}AAAA`;
    const refused = await push(wrong, events);
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.jsonBody)).not.toContain(wrong);
    const listed = await call((r) => listIngestKeys(app.services, r), {
      method: 'GET',
      path: '/customers/woodgrove/ingest-keys',
    });
    expect(listed.jsonBody).toEqual({ keys: [{ keyId: created.keyId, createdAt: expect.any(String) }] });
  });

  it('stores pushed Summary events as the same series as the pull path, deduplicated', async () => {
    const events = buildSummaryEvents(woodgrove, start, end);
    expect(events).toHaveLength(120);
    const first = await push(key, events.slice(0, 80));
    expect(first.jsonBody).toEqual({ received: 80, accepted: 80, duplicates: 0 });
    // Fabric delivers best effort: the same event again, and another id for an already-seen window.
    const again = events.slice(70, 120);
    const retagged = { ...(events[0] as object), id: '11111111-2222-4333-8444-555555555555' };
    const second = await push(key, [...again, again[0], retagged]);
    expect(second.jsonBody).toEqual({ received: 52, accepted: 40, duplicates: 12 });

    const result = await collectCustomer(
      {
        version: 1,
        runId: '20261122T0800Z-0000000a',
        customerId: 'woodgrove',
        windowStart: start.toISOString(),
        windowEnd: end.toISOString(),
        trigger: 'schedule',
      },
      app.services,
      log,
    );
    expect(result.outcome).toBe('ok');
    const url = new URL('http://localhost/api/customers/woodgrove/metrics');
    url.searchParams.set('resource', WOODGROVE_CAPACITY);
    url.searchParams.set('metric', 'CUPercent');
    url.searchParams.set('from', start.toISOString());
    url.searchParams.set('to', end.toISOString());
    const metrics = await getCustomerMetrics(
      app.services,
      new HttpRequest({ method: 'GET', url: url.toString(), params: { id: 'woodgrove' } }),
    );
    const series = (metrics.jsonBody as { series: Array<{ points: Array<{ count?: number; maximum?: number }> }> })
      .series[0];
    expect(series?.points).toHaveLength(12);
    // Every 5-minute bucket holds its 10 timepoints exactly once, duplicates notwithstanding.
    expect(series?.points.every((p) => p.count === 10)).toBe(true);
    expect(Math.max(...series!.points.map((p) => p.maximum ?? 0))).toBeGreaterThan(100);
  });

  it("reads the events like Azure Monitor metrics: buckets within Fabric's 15-minute delay are provisional until settled", async () => {
    const customer = await app.services.registry.get('woodgrove');
    const capacity = customer.resources.find((r) => r.resourceId.endsWith(`/${WOODGROVE_CAPACITY}`))!.resourceId;
    // The same collector the app builds, on a clock the test sets: on time (5 s after the window), then late.
    const collectorAt = (now: Date) =>
      new FabricCollector({
        endpoints: app.services.config.fabric,
        models: new FabricModelStore(TableClient.fromConnectionString(app.env.azurite.connectionString, 'fabric')),
        events: app.services.capacityEvents,
        timing: app.services.config.metricSources.fabricCapacity,
        cacheHours: 24,
        now: () => now,
      });
    const read = async (now: Date) => {
      const [result] = await collectorAt(now).collect(customer, undefined as never, [capacity], { start, end });
      return result!.datapoints.filter((p) => p.metric === 'CUPercent' && Date.parse(p.timestamp) >= +start);
    };
    const onTime = await read(new Date(end.getTime() + 5_000));
    expect(onTime).toHaveLength(12);
    // Buckets ending at :50, :55 and :00 end less than 15 minutes before the read: they may still grow.
    expect(onTime.map((p) => p.provisional ?? false)).toEqual([...Array(9).fill(false), true, true, true]);
    const settled = await read(new Date(end.getTime() + 17 * 60_000));
    expect(settled.filter((p) => p.provisional)).toEqual([]);
    expect(app.services.config.metricSources.fabricCapacity).toEqual({
      lookBackMs: 30 * 60_000, // FABRIC_LOOKBACK_MINUTES, the setting's old name and default
      ingestionDelayMs: 15 * 60_000,
    });

    // The hour before, never collected: its run on time stores the last three buckets provisional; the settle
    // read 17 minutes later finishes them.
    const [hourStart, hourEnd] = [new Date(start.getTime() - 3_600_000), start];
    expect((await push(key, buildSummaryEvents(woodgrove, hourStart, hourEnd))).status).toBe(200);
    const at = (now: Date) => ({ ...app.services, fabric: collectorAt(now), now: () => now });
    const run: CollectMessage = {
      version: 1,
      runId: '20261122T0700Z-0000000b',
      customerId: 'woodgrove',
      windowStart: hourStart.toISOString(),
      windowEnd: hourEnd.toISOString(),
      trigger: 'schedule',
    };
    const collected = await collectCustomer(run, at(new Date(hourEnd.getTime() + 5_000)), log);
    expect(collected.provisionalDatapoints).toBeGreaterThan(0);
    const settle = await settleCustomerWindow(
      { ...run, trigger: 'settle' },
      at(new Date(hourEnd.getTime() + 17 * 60_000)),
    );
    expect(settle).toMatchObject({ outcome: 'settled', resources: 1, stillProvisional: 0 });
    const stored = await app.services.metricsTable.query({
      customerId: 'woodgrove',
      resourceId: capacity,
      metric: 'CUPercent',
      from: hourStart,
      to: hourEnd,
    });
    expect(stored).toHaveLength(12);
    expect(stored.filter((p) => p.provisional)).toEqual([]);
  });

  it('refuses a batch with a malformed or out-of-range event, naming the event and the reason', async () => {
    const [good, bad] = buildSummaryEvents(woodgrove, start, new Date(start.getTime() + 60_000));
    const broken = { ...(bad as { data: object }), data: { ...(bad as { data: object }).data, baseCapacityUnits: -8 } };
    const response = await push(key, [good, broken]);
    expect(response.status).toBe(400);
    const body = response.jsonBody as {
      code: string;
      detail: string;
      events: Array<{ index: number; id: string; problems: string[] }>;
    };
    expect(body.code).toBe('InvalidCapacityEvents');
    expect(body.detail).toContain(`event 1 (id ${(bad as { id: string }).id})`);
    expect(body.events[0]?.problems.join()).toMatch(/baseCapacityUnits/);

    const future = buildSummaryEvents(woodgrove, new Date(Date.now() + 3_600_000), new Date(Date.now() + 3_630_000));
    const late = await push(key, future);
    expect(late.status).toBe(400);
    expect((late.jsonBody as { detail: string }).detail).toMatch(/in the future/);

    const other = buildSummaryEvents(
      { ...woodgrove, capacityName: 'notours' },
      start,
      new Date(start.getTime() + 30_000),
    );
    const foreign = await push(key, other);
    expect(foreign.status).toBe(400);
    expect((foreign.jsonBody as { detail: string }).detail).toContain('"notours" is not one of');
  });

  it('rotates and revokes keys: the replaced key stops working at once', async () => {
    const old = key;
    const rotated = await newKey({ replaces: (await listKeyIds())[0] });
    expect((await push(old, buildSummaryEvents(woodgrove, start, new Date(start.getTime() + 30_000)))).status).toBe(
      401,
    );
    expect(
      (await push(rotated.key, buildSummaryEvents(woodgrove, start, new Date(start.getTime() + 30_000)))).status,
    ).toBe(200);
    await call((r) => revokeIngestKey(app.services, r), {
      method: 'DELETE',
      path: `/customers/woodgrove/ingest-keys/${rotated.keyId}`,
      params: { keyId: rotated.keyId },
    });
    expect(
      (await push(rotated.key, buildSummaryEvents(woodgrove, start, new Date(start.getTime() + 30_000)))).status,
    ).toBe(401);
    key = rotated.key;
  });

  it('never has an ingest key in clear in a log line, table entity, blob or later response', async () => {
    const keys = responses
      .map((r) => (r.jsonBody as { key?: string } | undefined)?.key)
      .filter((k): k is string => typeof k === 'string');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    const creations = new Set(responses.filter((r) => (r.jsonBody as { key?: string } | undefined)?.key));
    const texts: string[] = [
      ...log.lines,
      ...responses.filter((r) => !creations.has(r)).map((r) => JSON.stringify(r.jsonBody ?? '')),
    ];
    const connection = app.env.azurite.connectionString;
    for (const name of ['fabric', 'metrics', 'customers', 'customerstatus', 'audit']) {
      const table = TableClient.fromConnectionString(connection, name);
      for await (const entity of table.listEntities()) texts.push(JSON.stringify(entity));
    }
    const container = BlobServiceClient.fromConnectionString(connection).getContainerClient('snapshots');
    for await (const blob of container.listBlobsFlat()) {
      texts.push((await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
    }
    expect(texts.length).toBeGreaterThan(10);
    for (const k of keys) {
      // ctcik_<hex id>_<base64url secret>: the secret part may itself hold '_' (base64url), so take all of it.
      const secretPart = k.split('_').slice(2).join('_');
      expect(secretPart.length).toBeGreaterThanOrEqual(43);
      for (const text of texts) expect(text).not.toContain(secretPart);
    }
  });
});

async function listKeyIds(): Promise<string[]> {
  const keys = await app.services.ingestKeys.list('woodgrove');
  return keys.filter((k) => !k.revokedAt).map((k) => k.keyId);
}
