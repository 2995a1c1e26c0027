import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { EXIT_FAILURE } from '../cli-error';
import { formatTable } from '../format-table';
import { setExitCode } from '../set-exit-code';

interface CustomerRow {
  id: string;
  enabled: boolean;
  status?: { outcome: string; lastSuccessAt?: string; consecutiveFailures: number; errorCode?: string } | null;
}

/**
 * `ctc health`: one line per customer; exit 1 when any enabled customer's last run failed. Uses
 * `GET /api/health` when the deployment has it, else derives it from `GET /api/customers`.
 */
export function registerHealthCommand(program: Command, context: CliContext): Command {
  return program
    .command('health')
    .description('is every customer collecting? exit 1 when any enabled customer is failing')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const api = context.api(command);
      const health = await api.request<unknown>('GET', 'health', { allow: [404, 503] });
      if (health.status !== 404 && typeof health.body === 'object' && health.body !== null) {
        context.io.out(`${JSON.stringify(health.body, null, 2)}\n`);
        if (health.status >= 400 || (health.body as { ok?: boolean }).ok === false) setExitCode(command, EXIT_FAILURE);
        return;
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
