import type { CliIo } from './cli-io';
import { formatTable } from './format-table';

/** One page of an audit log as the API answers it (`customers/{id}/audit`, `operator-audit`). */
export interface AuditPage<Entry> {
  entries: Entry[];
  truncated: boolean;
  from: string;
  to: string;
}

/**
 * Prints an audit page: the API's JSON with `--json`; otherwise a table of the entries on stdout and, on
 * stderr, how many there are (`counted`, e.g. "admin action(s)"), over which range, and whether the API
 * cut the page short.
 */
export function printAuditPage<Entry>(
  io: CliIo,
  page: AuditPage<Entry>,
  json: boolean | undefined,
  header: readonly string[],
  toRow: (entry: Entry) => string[],
  counted: string,
): void {
  if (json) return io.out(`${JSON.stringify(page, null, 2)}\n`);
  io.out(formatTable(header, page.entries.map(toRow)));
  io.err(
    `${page.entries.length} ${counted} from ${page.from} to ${page.to}` +
      (page.truncated ? ' (truncated: narrow --from/--to)' : '') +
      '\n',
  );
}
