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
    calls?: number;
    metricsCalls?: number;
    throttledCalls?: number;
    metricsCost?: number;
    errorCode?: string;
    errorMessage?: string;
  }>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'skipped', 'abandoned']);
const POLL_MS = 1000;

interface QueuedRun {
  runId: string;
  windowStart: string;
  windowEnd: string;
  deduplicated: boolean;
}

/**
 * `ctc collect <id> [--from <time> [--to <time>]] [--wait]`: queue a collection of the latest closed
 * window now, or (with a range) of every window in it: a manual backfill through the same queue.
 */
export function registerCollectCommand(program: Command, context: CliContext): Command {
  return program
    .command('collect')
    .description(
      'collect a customer now (the latest closed window), or backfill a range of windows, through the queue and worker',
    )
    .argument('<id>', 'customer id')
    .option('--from <time>', 'backfill from this time: ISO instant or date, or relative (24h, 7d); within retention')
    .option('--to <time>', 'backfill up to this time (default now; not in the future)')
    .option('--wait', 'wait for the run(s) to finish; exit 1 if any failed')
    .option('--timeout <seconds>', 'give up waiting after this long', '300')
    .addHelpText(
      'after',
      '\nExamples:\n  ctc collect contoso --wait\n  ctc collect contoso --from 2026-11-20 --to 2026-11-21 --wait   # one run per hourly window',
    )
    .action(
      async (
        id: string,
        options: { from?: string; to?: string; wait?: boolean; timeout: string },
        command: Command,
      ) => {
        const timeoutS = Number(options.timeout);
        if (!Number.isFinite(timeoutS) || timeoutS <= 0)
          throw new CliError('--timeout must be a positive number of seconds', EXIT_USAGE);
        if (options.to !== undefined && options.from === undefined) throw new CliError('--to needs --from', EXIT_USAGE);
        const api = context.api(command);
        const { body } = await api.request<{ runs: QueuedRun[] }>(
          'POST',
          `customers/${encodeURIComponent(id)}/collect`,
          {
            query: { from: options.from, to: options.to },
          },
        );
        for (const run of body.runs) {
          context.io.out(`${run.runId}\n`);
          context.io.err(
            `${run.deduplicated ? 'Joined the pending run' : 'Queued run'} ${run.runId} for ${run.windowStart} – ${run.windowEnd}\n`,
          );
        }
        if (!options.wait) return;
        const deadline = Date.now() + timeoutS * 1000;
        const pending = new Set(body.runs.map((r) => r.runId));
        let failed = 0;
        let last = '';
        for (;;) {
          for (const runId of [...pending]) {
            const { body: run } = await api.request<RunView>('GET', `runs/${encodeURIComponent(runId)}`);
            if (body.runs.length === 1 && run.status !== last) context.io.err(`  ${run.status}\n`);
            last = run.status;
            if (!TERMINAL.has(run.status)) continue;
            pending.delete(runId);
            for (const part of run.customers) {
              const detail = part.errorCode
                ? `${part.errorCode}: ${part.errorMessage ?? ''}`
                : `${part.datapointsWritten ?? 0} datapoints`;
              context.io.err(`${part.customerId} ${part.status} — ${detail}${describeCalls(part)}\n`);
            }
            if (run.status === 'failed' || run.status === 'abandoned') failed += 1;
          }
          if (body.runs.length > 1 && pending.size > 0)
            context.io.err(`  ${body.runs.length - pending.size} of ${body.runs.length} windows done\n`);
          if (pending.size === 0) {
            if (failed > 0) setExitCode(command, EXIT_FAILURE);
            return;
          }
          if (Date.now() > deadline)
            throw new CliError(
              `${pending.size} run(s) still going after ${timeoutS} s; check later with GET /api/runs/{runId} (${[...pending][0]})`,
            );
          await context.sleep(POLL_MS);
        }
      },
    );
}

/** `; 4 calls (2 metrics, 0 throttled, cost 598)`: what the attempt cost in the customer's tenant. */
function describeCalls(part: RunView['customers'][number]): string {
  if (part.calls === undefined) return '';
  const cost = part.metricsCost ? `, cost ${part.metricsCost}` : '';
  return `; ${part.calls} calls (${part.metricsCalls ?? 0} metrics, ${part.throttledCalls ?? 0} throttled${cost})`;
}
