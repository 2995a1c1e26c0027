import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processUsage } from '../../lib/bench/child-process-usage';
import { startSandboxProcess, type SandboxProcess } from '../../lib/bench/start-sandbox-process';
import { createLocalCertificate, type LocalCertificate } from '../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../lib/local/tls/trust-certificate';

const DAY_MS = 86_400_000;
const tenantId = randomUUID();
const app = { clientId: randomUUID(), objectId: randomUUID(), secret: randomUUID() };
const subscriptionId = randomUUID();
let certificate: LocalCertificate;
let sandbox: SandboxProcess;

/** True while a process with this pid runs (signal 0 only checks); a zombie nobody reaped yet has ended. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!condition()) throw new Error(`gave up waiting until ${what}`);
}

beforeAll(async () => {
  certificate = await createLocalCertificate();
  trustCertificate(certificate.caPem);
  sandbox = await startSandboxProcess({
    certificate,
    seed: {
      tenants: [{ tenantId, displayName: 'Customer' }],
      subscriptions: [{ subscriptionId, tenantId }],
      // A Date in the seed must arrive as a Date: an expired-looking string would refuse the secret.
      apps: [{ tenantId, ...app, secrets: [{ value: app.secret, expiresAt: new Date(Date.now() + 30 * DAY_MS) }] }],
    },
  });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('startSandboxProcess', () => {
  it('runs the sandbox cloud in another process that answers the real SDK with the seeded world', async () => {
    expect(sandbox.pid).not.toBe(process.pid);
    expect(alive(sandbox.pid)).toBe(true);
    await sandbox.clearRequests();
    const credential = new ClientSecretCredential(tenantId, app.clientId, app.secret, {
      authorityHost: sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
    const token = await credential.getToken('https://management.azure.com/.default');
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ tid: tenantId, oid: app.objectId });
    expect(await sandbox.requestCounts()).toMatchObject({ 'entra token': 1 });
    await sandbox.clearRequests();
    expect(await sandbox.requestCounts()).toEqual({});
  });

  it('takes the bench’s controls over IPC and its CPU is its own', async () => {
    await sandbox.setLatency(5);
    await sandbox.resetArmReads();
    await sandbox.setLatency(0);
    if (process.platform === 'linux') expect(processUsage(sandbox.pid)?.rssMb).toBeGreaterThan(10);
  });

  it('refuses a clock, which cannot cross into another process', async () => {
    await expect(startSandboxProcess({ certificate, now: () => new Date() })).rejects.toThrow(/clock/);
  });

  it('is killed by close, and a second close is harmless', async () => {
    const other = await startSandboxProcess({ certificate });
    expect(alive(other.pid)).toBe(true);
    await other.close();
    await other.close();
    expect(alive(other.pid)).toBe(false);
    await expect(other.requestCounts()).rejects.toThrow(/not running/);
  });

  it('exits by itself when the process that started it is killed outright (SIGKILL, no exit hooks)', async () => {
    // A parent that starts the sandbox process, prints its pid, then waits to be killed.
    const script = [
      "const { startSandboxProcess } = require('./lib/bench/start-sandbox-process.ts');",
      "const { createLocalCertificate } = require('./lib/local/tls/create-local-certificate.ts');",
      'createLocalCertificate().then((certificate) => startSandboxProcess({ certificate }))',
      '  .then((s) => { console.log(s.pid); setInterval(() => {}, 1000); });',
    ].join('\n');
    const root = join(__dirname, '..', '..');
    const parent = execFile(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root });
    const childPid = await new Promise<number>((resolve, reject) => {
      parent.stdout?.on('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    await waitUntil(() => !alive(childPid), `sandbox process ${childPid} exited`);
    expect(alive(childPid)).toBe(false);
  });
});
