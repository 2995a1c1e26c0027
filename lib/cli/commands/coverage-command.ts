import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { formatTable } from '../format-table';
import { addTimeRangeOptions, type TimeRangeOptions } from '../time-range-options';

/** One schedule window as `GET /api/customers/{id}/coverage` reports it. */
interface CoverageWindow {
  windowStart: string;
  windowEnd: string;
  state: 'collected' | 'missed' | 'queued' | 'none';
  runId?: string;
  updatedAt?: string;
  errorCode?: string;
}

interface CoverageBody {
  customerId: string;
  from: string;
  to: string;
  healedThrough?: string;
  retentionDays: number;
  counts: Record<string, number>;
  windows: CoverageWindow[];
}

/** `ctc coverage <id>`: which windows the collector has for a customer, and which it will heal. */
export function registerCoverageCommand(program: Command, context: CliContext): Command {
  return addTimeRangeOptions(
    program
      .command('coverage')
      .description(
        'which schedule windows does the collector have for the customer? collected, missed (with the code), ' +
          'queued (gap healing or a backfill asked again) or none (default: last 24 h)',
      )
      .argument('<id>', 'customer id'),
  ).action(async (id: string, options: TimeRangeOptions, command: Command) => {
    const { body } = await context
      .api(command)
      .request<CoverageBody>('GET', `customers/${encodeURIComponent(id)}/coverage`, {
        query: { from: options.from, to: options.to },
      });
    if (options.json) return context.io.out(`${JSON.stringify(body, null, 2)}\n`);
    context.io.out(
      formatTable(
        ['WINDOW START', 'WINDOW END', 'STATE', 'CODE', 'RUN'],
        body.windows.map((w) => [w.windowStart, w.windowEnd, w.state, w.errorCode ?? '', w.runId ?? '']),
      ),
    );
    const counts = ['collected', 'missed', 'queued', 'none'].map((s) => `${body.counts[s] ?? 0} ${s}`).join(', ');
    context.io.err(
      `${body.windows.length} window(s) of ${id} from ${body.from} to ${body.to}: ${counts}` +
        (body.healedThrough ? `; every window before ${body.healedThrough} is collected or beyond healing` : '') +
        '\n',
    );
  });
}
