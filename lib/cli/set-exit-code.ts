import type { Command } from 'commander';

const exitCodes = new WeakMap<Command, number>();

/**
 * Lets a command finish with a non-zero exit code without throwing, when its output already is the
 * explanation (a failing connection test, a failed run, an unhealthy customer).
 */
export function setExitCode(command: Command, code: number): void {
  exitCodes.set(rootOf(command), code);
}

/** The code a command set for this program run, if any. */
export function takeExitCode(program: Command): number | undefined {
  return exitCodes.get(rootOf(program));
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}
