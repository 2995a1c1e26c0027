import type { CliIo } from '../../lib/cli/cli-io';
import { runCli } from '../../lib/cli/main';

export interface CtcRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `ctc` in-process against a collector at `baseUrl` and captures both streams. `extra` adds
 * to the I/O (e.g. a `prompt` that answers questions); polling sleeps are shortened.
 */
export async function runCtc(baseUrl: string, args: readonly string[], extra: Partial<CliIo> = {}): Promise<CtcRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { CTC_URL: baseUrl },
    sleep: () => new Promise((resolve) => setTimeout(resolve, 20)),
    ...extra,
  };
  const code = await runCli([...args], io);
  return { code, out, err };
}
