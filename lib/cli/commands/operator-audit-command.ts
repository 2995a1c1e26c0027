import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { formatTable } from '../format-table';

interface OperatorAuditEntry {
  at: string;
  principalId: string;
  principalName: string;
  action: string;
  method: string;
  customerId: string;
  status: number;
  code?: string;
}

/** `ctc operator-audit`: who did which admin action on which customer, when, and how it ended. */
export function registerOperatorAuditCommand(program: Command, context: CliContext): Command {
  return program
    .command('operator-audit')
    .description('who onboarded, rotated, removed, collected or tested what, and how it ended (default: last 7 days)')
    .option('--customer <id>', 'only actions on this customer')
    .option('--from <instant>', 'start: ISO 8601 (2026-11-22T00:00:00Z, 2026-11-22) or relative (24h, 7d)')
    .option('--to <instant>', 'end: ISO 8601, now, or relative (default: now)')
    .option('--json', 'print JSON')
    .action(async (options: { customer?: string; from?: string; to?: string; json?: boolean }, command: Command) => {
      const { body } = await context
        .api(command)
        .request<{ entries: OperatorAuditEntry[]; truncated: boolean; from: string; to: string }>(
          'GET',
          'operator-audit',
          { query: { customer: options.customer, from: options.from, to: options.to } },
        );
      if (options.json) return context.io.out(`${JSON.stringify(body, null, 2)}\n`);
      context.io.out(
        formatTable(
          ['TIME', 'OPERATOR', 'ACTION', 'CUSTOMER', 'OUTCOME'],
          body.entries.map((e) => [
            e.at,
            e.principalName,
            `${e.method} ${e.action}`,
            e.customerId,
            `${e.status}${e.code ? ` ${e.code}` : ''}`,
          ]),
        ),
      );
      context.io.err(
        `${body.entries.length} admin action(s) from ${body.from} to ${body.to}` +
          (body.truncated ? ' (truncated: narrow --from/--to)' : '') +
          '\n',
      );
    });
}
