import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_TABLE } from '../../lib/app/storage-names';
import type { LocalHost } from '../../lib/local/host/start-local-host';
import type { TestApp } from '../support/start-test-app';
import { startApiHost, type ApiHost } from '../support/start-api-host';
import { parseBicepStreams } from '../infra/parse-bicep-streams';

const ROOT = join(__dirname, '../..');
const BICEP_STREAMS = parseBicepStreams(readFileSync(join(ROOT, 'infra/modules/logs-export.bicep'), 'utf8'));
let api: ApiHost;
let app: TestApp;
let host: LocalHost;

async function storedDatapoints(): Promise<Array<Record<string, unknown>>> {
  const table = TableClient.fromConnectionString(app.env.azurite.connectionString, METRICS_TABLE);
  const rows: Array<Record<string, unknown>> = [];
  for await (const e of table.listEntities()) rows.push(e as Record<string, unknown>);
  return rows;
}

/** What identifies one datapoint; a second row with the same key in one attempt is a double count. */
const pointKey = (r: Record<string, unknown>) =>
  [r.CustomerId, r.ResourceId, r.Metric, JSON.stringify(r.Dimensions), r.Interval, r.TimeGenerated].join('|');

async function runCycle(): Promise<void> {
  await host.runTimer('collect-schedule');
  await host.waitForIdle();
}

beforeAll(async () => {
  api = await startApiHost(); // runs one collection cycle
  ({ app, host } = api);
});
afterAll(async () => {
  await api?.close();
});

describe('one collection cycle with the analytics export on', () => {
  it('sends every stored datapoint exactly once, with the run id and attempt', async () => {
    const ingestion = app.env.sandbox.state.logsIngestion;
    const rows = ingestion.rows('Custom-CtcMetrics');
    const stored = await storedDatapoints();
    expect(stored.length).toBeGreaterThan(30);
    expect(rows).toHaveLength(stored.length);
    const keys = rows.map((r) => `${String(r.RunId)}#${String(r.Attempt)}#${pointKey(r)}`);
    expect(new Set(keys).size).toBe(rows.length);
    const storedKeys = new Set(
      stored.map((e) => `${String(e.customerId)}|${String(e.resourceId)}|${String(e.metric)}`),
    );
    for (const r of rows)
      expect(storedKeys.has(`${String(r.CustomerId)}|${String(r.ResourceId)}|${String(r.Metric)}`)).toBe(true);
    expect(rows.every((r) => r.Attempt === 1 && typeof r.RunId === 'string')).toBe(true);
  });

  it('sends only columns the Bicep stream declarations hold, with their types', () => {
    const ingestion = app.env.sandbox.state.logsIngestion;
    for (const [stream, columns] of Object.entries(BICEP_STREAMS)) {
      const declared = new Map(columns.map((c) => [c.name, c.type]));
      for (const row of ingestion.rows(stream)) {
        for (const [name, value] of Object.entries(row)) {
          expect(declared.has(name), `${stream}.${name} is declared in Bicep`).toBe(true);
          expect(typeOfValue(value, declared.get(name) ?? '')).toBe(declared.get(name));
        }
      }
    }
    const contoso = ingestion.rows('Custom-CtcMetrics').find((r) => r.CustomerId === 'contoso');
    expect(contoso).toMatchObject({
      ResourceType: expect.stringMatching(/^microsoft\./),
      Provisional: false,
      Dimensions: {},
    });
  });

  it('gzips each call and stays under the 1 MB limit', () => {
    const batches = app.env.sandbox.state.logsIngestion.batches();
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.gzip && b.jsonBytes <= 1024 * 1024)).toBe(true);
  });

  it('sends one run row per customer attempt, and the health changes', async () => {
    const ingestion = app.env.sandbox.state.logsIngestion;
    const runs = ingestion.rows('Custom-CtcRuns');
    const customers = app.env.scenario.customers.map((c) => c.id);
    expect(new Set(runs.map((r) => r.CustomerId))).toEqual(new Set(customers));
    const contoso = runs.find((r) => r.CustomerId === 'contoso');
    expect(contoso).toMatchObject({ Outcome: 'succeeded', ResourcesFailed: 0 });
    // The run row counts exactly the datapoint rows the same attempt exported.
    const contosoPoints = ingestion
      .rows('Custom-CtcMetrics')
      .filter((r) => r.RunId === contoso?.RunId && r.CustomerId === 'contoso');
    expect(contoso?.DatapointsWritten).toBe(contosoPoints.length);
    expect(Number(contoso?.Calls)).toBeGreaterThan(0);
    expect(Number(contoso?.MetricsCalls)).toBeGreaterThan(0);
    const fabrikam = runs.find((r) => r.CustomerId === 'fabrikam');
    expect(fabrikam).toMatchObject({ Outcome: 'failed' });
    expect(typeof fabrikam?.ErrorCode).toBe('string');
    expect(ingestion.rows('Custom-CtcHealth').length).toBeGreaterThan(0);
  });

  it('keeps collecting when the export is refused, and sends the missed rows with the next run', async () => {
    const state = app.env.sandbox.state;
    const ingestion = state.logsIngestion;
    const before = ingestion.rows('Custom-CtcMetrics').length;
    const storedBefore = (await storedDatapoints()).length;
    // The app's identity loses its role on the rule: every upload answers 403.
    const removed = state.removeRole(state.managedIdentity.objectId, ruleResourceId(), 'Monitoring Metrics Publisher');
    expect(removed).toBe(1);
    await runCycle();
    expect(ingestion.rows('Custom-CtcMetrics').length).toBe(before);
    const statuses = await app.services.statuses.list();
    expect(statuses.find((s) => s.customerId === 'contoso')?.outcome).toBe('ok');
    expect((await storedDatapoints()).length).toBeGreaterThanOrEqual(storedBefore);

    state.assignRole(state.managedIdentity.objectId, ruleResourceId(), 'Monitoring Metrics Publisher');
    await runCycle();
    const rows = ingestion.rows('Custom-CtcMetrics').slice(before);
    // The refused cycle's datapoints arrive (read back from the table), then the new cycle's.
    const runIds = new Set(rows.filter((r) => r.CustomerId === 'contoso').map((r) => r.RunId));
    expect(runIds.size).toBe(2);
  });
});

function ruleResourceId(): string {
  const rule = app.env.scenario.seed.dataCollectionRules?.[0];
  if (!rule) throw new Error('the demo scenario has no data collection rule');
  return rule.resourceId;
}

/** The DCR column type a JSON value fits (int when integral and the column is int/long). */
function typeOfValue(value: unknown, declared: string): string {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) && declared !== 'real' ? declared : 'real';
  if (typeof value === 'object') return 'dynamic';
  if (typeof value === 'string' && declared === 'datetime' && !Number.isNaN(Date.parse(value))) return 'datetime';
  return 'string';
}
