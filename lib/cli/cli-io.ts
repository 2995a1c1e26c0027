import { readPrompt } from './read-prompt';

/** Where the CLI writes and what it reads from its environment; tests pass their own. */
export interface CliIo {
  /** Results: tables, JSON, CSV (what a script pipes on). */
  readonly out: (text: string) => void;
  /** Progress, hints and errors (never mixed into results). */
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Waits between polls; tests may shorten it. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Asks the user (interactive terminals only; absent when stdin is not a TTY). `secret`: no echo. */
  readonly prompt?: (question: string, options?: { readonly secret?: boolean }) => Promise<string>;
}

/** The real terminal. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    ...(process.stdin.isTTY ? { prompt: readPrompt } : {}),
  };
}
