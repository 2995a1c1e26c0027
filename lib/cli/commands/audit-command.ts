import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { printAuditPage, type AuditPage } from '../print-audit-page';
import { addTimeRangeOptions, type TimeRangeOptions } from '../time-range-options';

interface AuditEntry {
  runId: string;
  at: string;
  operation: string;
  method: string;
  resource: string;
  status: number;
  requestId?: string;
  correlationId?: string;
  durationMs: number;
}

/** `ctc audit <id>`: every call the collector made into the customer's tenant in a time range. */
export function registerAuditCommand(program: Command, context: CliContext): Command {
  return addTimeRangeOptions(
    program
      .command('audit')
      .description("what did the collector access in the customer's tenant, and when? (default: last 24 h)")
      .argument('<id>', 'customer id'),
  ).action(async (id: string, options: TimeRangeOptions, command: Command) => {
    const { body } = await context
      .api(command)
      .request<AuditPage<AuditEntry>>('GET', `customers/${encodeURIComponent(id)}/audit`, {
        query: { from: options.from, to: options.to },
      });
    printAuditPage(
      context.io,
      body,
      options.json,
      ['TIME', 'OPERATION', 'STATUS', 'RESOURCE', 'REQUEST ID'],
      (e) => [e.at, e.operation, String(e.status), e.resource, e.requestId ?? e.correlationId ?? ''],
      `call(s) into ${id}'s tenant`,
    );
  });
}
