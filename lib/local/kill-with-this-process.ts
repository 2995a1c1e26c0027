import type { ChildProcess } from 'node:child_process';

/**
 * Ties an emulator's child process to this one: it is SIGKILLed when this process exits, and the returned
 * `close` kills it now and resolves once it has exited (safe to call twice). In-memory emulators need no
 * graceful shutdown. Dying by a signal skips `exit` hooks, so each child also watches a pipe to its parent.
 */
export function killWithThisProcess(child: ChildProcess): () => Promise<void> {
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      process.removeListener('exit', killOnExit);
      // No pid: it never started (spawn failed), so there is no exit to wait for.
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    return closing;
  };
}
