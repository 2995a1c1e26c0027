import type { Command } from 'commander';
import { ApiClient, DEFAULT_API_URL } from './api-client';
import type { CliIo } from './cli-io';

/** What every command needs: the terminal and an API client built from the global options. */
export interface CliContext {
  readonly io: CliIo;
  api(command: Command): ApiClient;
  sleep(ms: number): Promise<void>;
}

/** `--url` beats `CTC_URL` beats the local default; `--token` beats `CTC_TOKEN`. */
export function createCliContext(io: CliIo): CliContext {
  return {
    io,
    api(command) {
      const globals = command.optsWithGlobals<{ url?: string; token?: string }>();
      const token = globals.token ?? io.env['CTC_TOKEN'];
      return new ApiClient(globals.url ?? io.env['CTC_URL'] ?? DEFAULT_API_URL, token || undefined);
    },
    sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}
