import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { printAuditPage, type AuditPage } from '../print-audit-page';
import { addTimeRangeOptions, type TimeRangeOptions } from '../time-range-options';

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
  return addTimeRangeOptions(
    program
      .command('operator-audit')
      .description('who onboarded, rotated, removed, collected or tested what, and how it ended (default: last 7 days)')
      .option('--customer <id>', 'only actions on this customer'),
  ).action(async (options: TimeRangeOptions & { customer?: string }, command: Command) => {
    const { body } = await context.api(command).request<AuditPage<OperatorAuditEntry>>('GET', 'operator-audit', {
      query: { customer: options.customer, from: options.from, to: options.to },
    });
    printAuditPage(
      context.io,
      body,
      options.json,
      ['TIME', 'OPERATOR', 'ACTION', 'CUSTOMER', 'OUTCOME'],
      (e) => [
        e.at,
        e.principalName,
        `${e.method} ${e.action}`,
        e.customerId,
        `${e.status}${e.code ? ` ${e.code}` : ''}`,
      ],
      'admin action(s)',
    );
  });
}
