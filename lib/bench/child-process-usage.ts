import { readFileSync } from 'node:fs';

export interface ProcessUsage {
  /** CPU seconds (user + system) since the process started. */
  readonly cpuSeconds: number;
  readonly rssMb: number;
  /** The most resident memory the process has had (VmHWM), summed over processes where several are read. */
  readonly peakRssMb: number;
}

/** Linux reports times in clock ticks; 100 per second on every mainstream kernel config (USER_HZ). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/**
 * CPU and memory of one process, read from /proc: what an emulator the benchmark started (Azurite, the
 * sandbox cloud) costs apart from the product. Undefined off Linux or once the process is gone.
 */
export function processUsage(pid: number): ProcessUsage | undefined {
  try {
    // Fields after the parenthesised command name: state is field 3; utime 14, stime 15, rss 24 (proc(5)).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const pages = Number(fields[21]);
    const peakKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return {
      cpuSeconds: ticks / TICKS_PER_SECOND,
      rssMb: Math.round((pages * PAGE_BYTES) / 1e6),
      peakRssMb: Math.round((peakKb * 1024) / 1e6),
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU and memory of this process's child processes (Azurite runs as one), summed, leaving out the pids in
 * `except` (the bench reads the sandbox cloud's process on its own). Undefined off Linux.
 */
export function childProcessUsage(pid = process.pid, except: readonly number[] = []): ProcessUsage | undefined {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((child) => !except.includes(child));
  } catch {
    return undefined;
  }
  let cpuSeconds = 0;
  let rssMb = 0;
  let peakRssMb = 0;
  for (const child of children) {
    // A child that exited between listing and reading costs nothing more.
    const usage = processUsage(child);
    cpuSeconds += usage?.cpuSeconds ?? 0;
    rssMb += usage?.rssMb ?? 0;
    peakRssMb += usage?.peakRssMb ?? 0;
  }
  return { cpuSeconds, rssMb, peakRssMb };
}
