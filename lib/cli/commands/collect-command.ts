import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../cli-error';
import { setExitCode } from '../set-exit-code';

interface RunView {
  runId: string;
  status: string;
  customers: Array<{
    customerId: string;
    status: string;
    datapointsWritten?: number;
    errorCode?: string;
    errorMessage?: string;
  }>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'skipped', 'abandoned']);
const POLL_MS = 1000;

/** `ctc collect <id> [--wait]`: queue a collection of the latest closed window now. */
export function registerCollectCommand(program: Command, context: CliContext): Command {
  return program
    .command('collect')
    .description('collect a customer now (the latest closed window) through the queue and worker')
    .argument('<id>', 'customer id')
    .option('--wait', 'wait for the run to finish; exit 1 if it failed')
    .option('--timeout <seconds>', 'give up waiting after this long', '300')
    .action(async (id: string, options: { wait?: boolean; timeout: string }, command: Command) => {
      const timeoutS = Number(options.timeout);
      if (!Number.isFinite(timeoutS) || timeoutS <= 0)
        throw new CliError('--timeout must be a positive number of seconds', EXIT_USAGE);
      const api = context.api(command);
      const { body } = await api.request<{
        runId: string;
        deduplicated: boolean;
        windowStart: string;
        windowEnd: string;
      }>('POST', `customers/${encodeURIComponent(id)}/collect`);
      context.io.out(`${body.runId}\n`);
      context.io.err(
        `${body.deduplicated ? 'Joined the pending run' : 'Queued run'} ${body.runId} for ${body.windowStart} – ${body.windowEnd}\n`,
      );
      if (!options.wait) return;
      const deadline = Date.now() + timeoutS * 1000;
      let last = '';
      for (;;) {
        const { body: run } = await api.request<RunView>('GET', `runs/${encodeURIComponent(body.runId)}`);
        if (run.status !== last) context.io.err(`  ${run.status}\n`);
        last = run.status;
        if (TERMINAL.has(run.status)) {
          for (const part of run.customers) {
            const detail = part.errorCode
              ? `${part.errorCode}: ${part.errorMessage ?? ''}`
              : `${part.datapointsWritten ?? 0} datapoints`;
            context.io.err(`${part.customerId} ${part.status} — ${detail}\n`);
          }
          if (run.status === 'failed' || run.status === 'abandoned') setExitCode(command, EXIT_FAILURE);
          return;
        }
        if (Date.now() > deadline)
          throw new CliError(
            `Run ${body.runId} still ${run.status} after ${timeoutS} s; check later: ctc collect status is GET /api/runs/${body.runId}`,
          );
        await context.sleep(POLL_MS);
      }
    });
}
