import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { EXIT_FAILURE } from '../cli-error';
import { formatTable } from '../format-table';
import { setExitCode } from '../set-exit-code';

/** A row of `GET /api/health` (read loosely; the API owns the shape). */
interface HealthRow {
  customerId: string;
  enabled: boolean;
  state: string;
  reason: string;
  code?: string;
  consecutiveFailures: number;
  lastSuccessAt?: string;
  secretExpiry: string;
  daysToExpiry?: number;
}

function isHealthReport(body: unknown): body is { customers: HealthRow[] } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { customers?: unknown }).customers);
}

/** Needs attention: not healthy, last run failed, or the secret expires within the critical window. */
function needsAttention(row: HealthRow): boolean {
  return row.enabled && (row.state !== 'healthy' || row.consecutiveFailures > 0 || row.secretExpiry === 'critical');
}

function printHealthReport(
  report: { customers: HealthRow[] },
  json: boolean,
  context: CliContext,
  command: Command,
): void {
  const attention = report.customers.filter(needsAttention);
  if (attention.length > 0) setExitCode(command, EXIT_FAILURE);
  if (json) return context.io.out(`${JSON.stringify(report, null, 2)}\n`);
  const expiry = (r: HealthRow) =>
    r.daysToExpiry !== undefined
      ? `${r.daysToExpiry} d (${r.secretExpiry})`
      : r.secretExpiry === 'none'
        ? 'no expiry!'
        : '—';
  context.io.out(
    formatTable(
      ['CUSTOMER', 'STATE', 'SECRET', 'LAST SUCCESS', 'REASON'],
      report.customers.map((r) => [
        r.customerId,
        r.enabled ? r.state : 'disabled',
        expiry(r),
        r.lastSuccessAt ?? '—',
        r.reason,
      ]),
    ),
  );
  context.io.err(
    attention.length
      ? `${attention.length} of ${report.customers.length} customers need attention\n`
      : `All ${report.customers.length} customers OK\n`,
  );
}

interface CustomerRow {
  id: string;
  enabled: boolean;
  status?: { outcome: string; lastSuccessAt?: string; consecutiveFailures: number; errorCode?: string } | null;
}

/**
 * `ctc health`: one line per customer (state, secret expiry, last success, reason); exit 1 when any
 * enabled customer needs attention. Uses `GET /api/health` when the deployment has it, else derives
 * it from `GET /api/customers`.
 */
export function registerHealthCommand(program: Command, context: CliContext): Command {
  return program
    .command('health')
    .description('is every customer collecting? exit 1 when any enabled customer needs attention')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const api = context.api(command);
      const health = await api.request<unknown>('GET', 'health', { allow: [404, 503] });
      if (health.status === 200 && isHealthReport(health.body)) {
        return printHealthReport(health.body, options.json === true, context, command);
      }
      const { body } = await api.request<{ customers: CustomerRow[] }>('GET', 'customers');
      const rows = body.customers.map((c) => ({
        id: c.id,
        health: !c.enabled ? 'disabled' : !c.status ? 'never run' : c.status.outcome === 'ok' ? 'healthy' : 'failing',
        lastSuccess: c.status?.lastSuccessAt ?? '—',
        failures: c.status?.consecutiveFailures ?? 0,
        error: c.status?.errorCode ?? '',
      }));
      if (rows.some((r) => r.health === 'failing')) setExitCode(command, EXIT_FAILURE);
      if (options.json) return context.io.out(`${JSON.stringify(rows, null, 2)}\n`);
      context.io.out(
        formatTable(
          ['CUSTOMER', 'HEALTH', 'LAST SUCCESS', 'FAILED RUNS', 'ERROR'],
          rows.map((r) => [r.id, r.health, r.lastSuccess, String(r.failures), r.error]),
        ),
      );
      const failing = rows.filter((r) => r.health === 'failing').length;
      context.io.err(
        failing ? `${failing} of ${rows.length} customers failing\n` : `All ${rows.length} customers OK\n`,
      );
    });
}
