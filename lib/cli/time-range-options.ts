import type { Command } from 'commander';

/** The options of a command over a time range (audit, coverage, operator-audit): same formats as `query`. */
export interface TimeRangeOptions {
  from?: string;
  to?: string;
  json?: boolean;
}

/** Adds `--from`, `--to` and `--json` as every range command spells them. */
export function addTimeRangeOptions(command: Command): Command {
  return command
    .option('--from <instant>', 'start: ISO 8601 (2026-11-22T00:00:00Z, 2026-11-22) or relative (24h, 7d)')
    .option('--to <instant>', 'end: ISO 8601, now, or relative (default: now)')
    .option('--json', 'print JSON');
}
