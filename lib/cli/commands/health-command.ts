import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { CliError, EXIT_FAILURE } from '../cli-error';
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

/**
 * `ctc health`: one line per customer (state, secret expiry, last success, reason); exit 1 when any
 * enabled customer needs attention. Reads `GET /api/health`, the one place health is computed.
 */
export function registerHealthCommand(program: Command, context: CliContext): Command {
  return program
    .command('health')
    .description('is every customer collecting? exit 1 when any enabled customer needs attention')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const api = context.api(command);
      const { body } = await api.request<unknown>('GET', 'health');
      if (!isHealthReport(body))
        throw new CliError('The collector answered GET /api/health without a customer list', EXIT_FAILURE);
      printHealthReport(body, options.json === true, context, command);
    });
}
