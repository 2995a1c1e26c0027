import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { EXIT_FAILURE } from '../cli-error';
import { setExitCode } from '../set-exit-code';
import { withProgress } from '../with-progress';
import { formatTestReport, type TestReport } from '../format-test-report';

/** `ctc test <id>`: runs the connection test; exit 1 when access does not work. */
export function registerTestCommand(program: Command, context: CliContext): Command {
  return program
    .command('test')
    .description('check that the collector can reach a customer (Key Vault, sign-in, each resource)')
    .argument('<id>', 'customer id')
    .option('--json', 'print the full report as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const { body } = await withProgress(context.io, `Testing ${id}`, () =>
        context.api(command).request<TestReport>('POST', `customers/${encodeURIComponent(id)}/test`),
      );
      if (!body.ok) setExitCode(command, EXIT_FAILURE);
      if (options.json) return context.io.out(`${JSON.stringify(body, null, 2)}\n`);
      context.io.out(`${formatTestReport(id, body).join('\n')}\n`);
    });
}
