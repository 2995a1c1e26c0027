import type { CliIo } from './cli-io';

/** Anything slower than this tells the user what it is waiting for. */
export const PROGRESS_AFTER_MS = 1000;

/**
 * Runs `task`; if it is still running after a second, says so on stderr, and says when it ends.
 * Results stay on stdout, so scripts piping the output are unaffected.
 */
export async function withProgress<T>(io: CliIo, label: string, task: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let announced = false;
  const timer = setTimeout(() => {
    announced = true;
    io.err(`${label}…\n`);
  }, PROGRESS_AFTER_MS);
  try {
    return await task();
  } finally {
    clearTimeout(timer);
    if (announced) io.err(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
