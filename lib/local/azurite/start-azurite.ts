import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { AppError } from '../../errors/app-error';
import { killWithThisProcess } from '../kill-with-this-process';

/** Azurite's single built-in account. The key is public (documented by Microsoft), not a secret. */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface StartAzuriteOptions {
  /** PEM certificate file; together with `keyPath` switches all three services to HTTPS. */
  readonly certPath?: string;
  readonly keyPath?: string;
  /** `basic` makes Azurite accept (decoded, unverified) bearer tokens. Needs HTTPS. */
  readonly oauth?: 'basic';
  /** Receives Azurite's own output lines (start-up, errors). Default: dropped. */
  readonly onOutput?: (line: string) => void;
}

export interface RunningAzurite {
  readonly blobEndpoint: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  /** devstoreaccount1 with explicit endpoints, usable by every storage SDK client. */
  readonly connectionString: string;
  /** Stops Azurite and waits for the process to exit. Safe to call twice. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Why a wrapper: Azurite does not notice when the process that started it dies, and orphans
 * were seen after crashes. The wrapper exits when its stdin pipe closes, which the OS does for
 * us however the parent ends (even SIGKILL); then it loads Azurite's own entry point.
 */
const WATCHDOG_SCRIPT = [
  "process.stdin.on('end', () => process.exit(0));",
  "process.stdin.on('error', () => process.exit(0));",
  'process.stdin.resume();',
  'require(process.argv[1]);',
].join('\n');

const LISTENING_LINE = /Azurite (Blob|Queue|Table) service is successfully listening at (\S+)/;

/**
 * Starts Azurite (blob, queue, table) from node_modules on free 127.0.0.1 ports, in memory,
 * on the same Node binary as this process, and resolves once all three services listen.
 * The child is killed when this process exits.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<RunningAzurite> {
  if ((options.certPath === undefined) !== (options.keyPath === undefined)) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidAzuriteOptions',
      message: 'certPath and keyPath go together',
    });
  }
  if (options.oauth && !options.certPath) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidAzuriteOptions',
      message: 'oauth needs HTTPS (certPath/keyPath)',
    });
  }
  const args = [
    '-e',
    WATCHDOG_SCRIPT,
    require.resolve('azurite/dist/src/azurite.js'),
    '--inMemoryPersistence',
    '--silent',
    '--disableTelemetry',
    // Newer SDKs send API versions this Azurite release may not know yet.
    '--skipApiVersionCheck',
    ...['--blobHost', '127.0.0.1', '--queueHost', '127.0.0.1', '--tableHost', '127.0.0.1'],
    ...['--blobPort', '0', '--queuePort', '0', '--tablePort', '0'],
    ...(options.certPath && options.keyPath ? ['--cert', options.certPath, '--key', options.keyPath] : []),
    ...(options.oauth ? ['--oauth', options.oauth] : []),
  ];
  // cwd: Azurite may drop debug/telemetry files where it runs; keep them out of the repository.
  const child = spawn(process.execPath, args, { cwd: os.tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
  const close = killWithThisProcess(child);
  const endpoints = await waitForEndpoints(child, options.onOutput).catch(async (error: unknown) => {
    await close();
    throw error;
  });

  const { blob, queue, table } = endpoints;
  const protocol = new URL(blob).protocol.replace(':', '');
  const blobEndpoint = `${blob}/${AZURITE_ACCOUNT_NAME}`;
  const queueEndpoint = `${queue}/${AZURITE_ACCOUNT_NAME}`;
  const tableEndpoint = `${table}/${AZURITE_ACCOUNT_NAME}`;
  const connectionString =
    `DefaultEndpointsProtocol=${protocol};AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
    `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`;
  return { blobEndpoint, queueEndpoint, tableEndpoint, connectionString, close };
}

async function waitForEndpoints(
  child: ChildProcess,
  onOutput: ((line: string) => void) | undefined,
): Promise<{ blob: string; queue: string; table: string }> {
  const found: Partial<Record<'blob' | 'queue' | 'table', string>> = {};
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`Azurite did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (message: string): void => {
      clearTimeout(timer);
      reject(
        new AppError({
          kind: 'internal',
          code: 'AzuriteStartFailed',
          message: `${message}. Last output:\n${recent.join('\n')}`,
        }),
      );
    };
    const onLine = (line: string): void => {
      onOutput?.(line);
      recent.push(line);
      if (recent.length > 20) recent.shift();
      const match = LISTENING_LINE.exec(line);
      if (!match?.[1] || !match[2]) return;
      found[match[1].toLowerCase() as 'blob' | 'queue' | 'table'] = match[2].replace(/\/+$/, '');
      if (found.blob && found.queue && found.table) {
        clearTimeout(timer);
        resolve({ blob: found.blob, queue: found.queue, table: found.table });
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split(/\r?\n/);
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('error', (error) => fail(`Azurite could not be spawned: ${error.message}`));
    child.once('exit', (code, signal) => fail(`Azurite exited early (code ${code}, signal ${signal})`));
  });
}
