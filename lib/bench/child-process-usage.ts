import { readFileSync } from 'node:fs';

export interface ProcessUsage {
  /** CPU seconds (user + system) since the process started. */
  readonly cpuSeconds: number;
  readonly rssMb: number;
}

/** Linux reports times in clock ticks; 100 per second on every mainstream kernel config (USER_HZ). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/**
 * CPU and memory of this process's child processes (Azurite runs as one), read from /proc: the
 * benchmark reports what the storage emulator costs apart from the product. Undefined off Linux.
 */
export function childProcessUsage(pid = process.pid): ProcessUsage | undefined {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return undefined;
  }
  let ticks = 0;
  let pages = 0;
  for (const child of children) {
    try {
      // Fields after the parenthesised command name: state is field 3; utime 14, stime 15, rss 24 (proc(5)).
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      pages += Number(fields[21]);
    } catch {
      // The child exited between listing and reading: it costs nothing more.
    }
  }
  return { cpuSeconds: ticks / TICKS_PER_SECOND, rssMb: Math.round((pages * PAGE_BYTES) / 1e6) };
}
