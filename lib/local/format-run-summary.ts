import type { ExportTotals } from '../export/logs-export';
import type { CustomerStatus } from '../store/customer-status-store';

/**
 * The readable end-of-cycle summary `npm start` prints: one line per customer with ok/failed,
 * datapoints written, and for failures the code and the fix.
 */
export function formatRunSummary(statuses: readonly CustomerStatus[]): string {
  const rows = [...statuses].sort((a, b) => a.customerId.localeCompare(b.customerId));
  if (rows.length === 0) return 'No customer was collected in this cycle.';
  const width = Math.max(...rows.map((s) => s.customerId.length));
  const lines = rows.map((s) => {
    const name = s.customerId.padEnd(width);
    const points = `${s.datapointsWritten} datapoints`;
    if (s.outcome === 'ok') {
      const line = `  ✔ ${name}  ok      ${points} from ${s.resources.length} resources`;
      return s.deliveredTo ? `${line}\n    ${' '.repeat(width)}  delivered: ${s.deliveredTo}` : line;
    }
    const failedResources = s.resources.filter((r) => !r.ok).length;
    const scope =
      s.errorStage === 'arm' || s.errorStage === 'metrics'
        ? ` (${failedResources} of ${s.resources.length} resources)`
        : '';
    return [
      `  ✘ ${name}  failed  ${points}; ${s.errorCode ?? 'UnknownError'} at ${s.errorStage ?? '?'}${scope}`,
      `    ${' '.repeat(width)}  cause: ${s.errorMessage ?? '-'}`,
      `    ${' '.repeat(width)}  fix:   ${s.errorFix ?? '-'}`,
    ].join('\n');
  });
  const ok = rows.filter((s) => s.outcome === 'ok').length;
  const total = rows.reduce((sum, s) => sum + s.datapointsWritten, 0);
  const runs = [...new Set(rows.map((s) => s.lastRunId))].join(', ');
  return [
    `Collection summary (run ${runs}): ${ok} of ${rows.length} customers ok, ${total} datapoints written`,
    ...lines,
  ].join('\n');
}

/** Where the analytics export went, for the export line (absent: the export is not configured). */
export interface ExportTarget {
  readonly ruleId: string;
  readonly totals: ExportTotals;
}

/**
 * The summary's analytics-export line: rows sent to Logs Ingestion per table since the app started, calls
 * that failed and what waits for a retry; or how to turn the export on.
 */
export function formatExportLine(target: ExportTarget | undefined): string {
  if (!target) {
    return 'Analytics export: off (set LOGS_INGESTION_ENDPOINT and LOGS_INGESTION_RULE_ID to send rows to Log Analytics)';
  }
  const { metrics, runs, health, failedCalls, pending, recovered } = target.totals;
  const problems = [
    `${failedCalls} failed call${failedCalls === 1 ? '' : 's'}`,
    `${pending} waiting for a retry`,
    ...(recovered > 0 ? [`${recovered} sent late`] : []),
  ].join(', ');
  return (
    `Analytics export (Logs Ingestion, rule ${target.ruleId}): ${metrics} datapoint, ${runs} run and ` +
    `${health} health rows sent; ${problems}`
  );
}
