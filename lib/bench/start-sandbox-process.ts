import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { AppError } from '../errors/app-error';
import { killWithThisProcess } from '../local/kill-with-this-process';
import type { SandboxCloudOptions } from '../local/sandbox/start-sandbox-cloud';
import type { SandboxUrls } from '../local/sandbox/sandbox-context';
import type { SandboxProcessCommand, SandboxProcessMessage, SandboxProcessStart } from './sandbox-process-protocol';

/**
 * The sandbox cloud in its own process, as the bench sees it: the same endpoints and identity as the
 * in-process `SandboxCloud`, and the few controls the bench uses over IPC. Keeping the emulated Azure out of
 * the bench process is what lets the bench report the product's own memory and CPU.
 */
export interface SandboxProcess {
  readonly pid: number;
  readonly urls: SandboxUrls;
  readonly identityHeader: string;
  readonly homeTenantId: string;
  readonly managedIdentity: { readonly clientId: string; readonly objectId: string };
  /** Milliseconds added before every answer (the network), as `state.latencyMs` in process. */
  setLatency(ms: number): Promise<void>;
  /** Refills ARM's read token buckets (`state.armReads.reset()`). */
  resetArmReads(): Promise<void>;
  /** Forgets the request log (`requests.clear()`). */
  clearRequests(): Promise<void>;
  /** Requests per kind since the start or the last clear (`requests.counts()`). */
  requestCounts(): Promise<Readonly<Record<string, number>>>;
  /** Kills the process and waits for it to exit. Safe to call twice. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * Forks the sandbox cloud with `options` (the seed travels by structured clone, Dates intact) and resolves
 * once every listener has its port. The child dies with this process: it is killed on `exit`, and it exits
 * by itself when the IPC channel closes (this process crashed, was interrupted or SIGKILLed).
 */
export async function startSandboxProcess(options: SandboxCloudOptions): Promise<SandboxProcess> {
  if (options.now) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidSandboxProcessOptions',
      message: 'a clock (now) cannot cross into the sandbox process; it runs on the real clock',
    });
  }
  // Compiled (npm run bench) the entry is a .js file next to this one; under the tests it is TypeScript.
  const typescript = __filename.endsWith('.ts');
  const entry = join(__dirname, `sandbox-process-main.${typescript ? 'ts' : 'js'}`);
  const child = fork(entry, [], {
    serialization: 'advanced',
    execArgv: typescript ? ['--require', 'tsx/cjs'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const close = killWithThisProcess(child);

  const ready = await waitForReady(child, {
    type: 'start',
    certificate: options.certificate,
    ...(options.seed ? { seed: options.seed } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  }).catch(async (error: unknown) => {
    await close();
    throw error;
  });

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  child.on('message', (message: SandboxProcessMessage) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`sandbox process: ${message.error}`));
    else waiter?.resolve(message.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`the sandbox process exited (code ${code}, signal ${signal})`));
    }
    pending.clear();
  });
  const ask = <T>(command: DistributiveOmit<SandboxProcessCommand, 'id'>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error('the sandbox process is not running'));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...command, id });
    });

  return {
    pid: child.pid as number,
    urls: ready.urls,
    identityHeader: ready.identityHeader,
    homeTenantId: ready.homeTenantId,
    managedIdentity: ready.managedIdentity,
    setLatency: (ms) => ask<void>({ type: 'setLatency', ms }),
    resetArmReads: () => ask<void>({ type: 'resetArmReads' }),
    clearRequests: () => ask<void>({ type: 'clearRequests' }),
    requestCounts: () => ask<Record<string, number>>({ type: 'requestCounts' }),
    close,
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function waitForReady(
  child: ChildProcess,
  start: SandboxProcessStart,
): Promise<Extract<SandboxProcessMessage, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => {
      clearTimeout(timer);
      child.removeListener('message', onMessage);
      reject(new AppError({ kind: 'internal', code: 'SandboxProcessStartFailed', message }));
    };
    const timer = setTimeout(
      () => fail(`the sandbox process did not start within ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    const onMessage = (message: SandboxProcessMessage): void => {
      if (message.type === 'failed') return fail(`the sandbox cloud did not start: ${message.message}`);
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      child.removeListener('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('error', (error) => fail(`the sandbox process could not be started: ${error.message}`));
    child.once('exit', (code, signal) => fail(`the sandbox process exited early (code ${code}, signal ${signal})`));
    child.send(start);
  });
}
