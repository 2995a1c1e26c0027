import { describe, expect, it } from 'vitest';
import { formatExportLine, formatRunSummary } from '../../lib/local/format-run-summary';
import type { CustomerStatus } from '../../lib/store/customer-status-store';

const base = {
  lastRunId: 'run-1',
  lastWindowStart: '2026-11-22T09:00:00.000Z',
  lastWindowEnd: '2026-11-22T10:00:00.000Z',
  lastAttemptAt: '2026-11-22T10:00:02.000Z',
  consecutiveFailures: 0,
};

describe('formatRunSummary', () => {
  it('lists each customer with its outcome, datapoints, and for failures the code, cause and fix', () => {
    const statuses: CustomerStatus[] = [
      {
        ...base,
        customerId: 'northwind',
        outcome: 'failed',
        errorStage: 'arm',
        errorCode: 'AuthorizationFailed',
        errorMessage: 'no role',
        errorFix: 'assign Reader',
        datapointsWritten: 2,
        consecutiveFailures: 1,
        resources: [
          { resourceId: '/a', ok: true, datapoints: 2 },
          { resourceId: '/b', ok: false, datapoints: 0, code: 'AuthorizationFailed' },
        ],
      },
      {
        ...base,
        customerId: 'contoso',
        outcome: 'ok',
        datapointsWritten: 36,
        resources: [{ resourceId: '/c', ok: true, datapoints: 36 }],
      },
    ];
    const text = formatRunSummary(statuses);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Collection summary (run run-1): 1 of 2 customers ok, 38 datapoints written');
    expect(lines[1]).toMatch(/✔ contoso\s+ok\s+36 datapoints from 1 resources/);
    expect(lines[2]).toMatch(/✘ northwind\s+failed\s+2 datapoints; AuthorizationFailed at arm \(1 of 2 resources\)/);
    expect(text).toContain('cause: no role');
    expect(text).toContain('fix:   assign Reader');
  });

  it("shows where a customer's snapshot was delivered in its own storage", () => {
    const url = 'https://stcontosoexports.blob.core.windows.net/ctc-snapshots/contoso/2026/11/22/x.json';
    const text = formatRunSummary([
      { ...base, customerId: 'contoso', outcome: 'ok', datapointsWritten: 36, resources: [], deliveredTo: url },
    ]);
    expect(text.split('\n')[2]).toBe(`    ${' '.repeat('contoso'.length)}  delivered: ${url}`);
  });

  it('says so when nothing was collected', () => {
    expect(formatRunSummary([])).toBe('No customer was collected in this cycle.');
  });
});

describe('formatExportLine', () => {
  const totals = { metrics: 476, runs: 9, health: 9, failedCalls: 0, pending: 0, recovered: 0 };
  const ruleId = 'dcr-00000000000000000000000000000001';

  it('counts the rows sent per table and says nothing failed', () => {
    expect(formatExportLine({ ruleId, totals })).toBe(
      `Analytics export (Logs Ingestion, rule ${ruleId}): 476 datapoint, 9 run and 9 health rows sent; ` +
        '0 failed calls, 0 waiting for a retry',
    );
  });

  it('names failed calls, what waits for a retry and what was sent late', () => {
    expect(formatExportLine({ ruleId, totals: { ...totals, failedCalls: 1, pending: 2, recovered: 3 } })).toMatch(
      /; 1 failed call, 2 waiting for a retry, 3 sent late$/,
    );
  });

  it('says how to turn the export on when it is off', () => {
    expect(formatExportLine(undefined)).toMatch(
      /^Analytics export: off \(set LOGS_INGESTION_ENDPOINT and LOGS_INGESTION_RULE_ID/,
    );
  });
});
