import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCtc } from '../support/run-ctc';
import { startApiHost, type ApiHost } from '../support/start-api-host';

const DAY = 86_400_000;
const TENANT = '5a5a0000-0000-4000-8000-000000000001';
const SUBSCRIPTION = '5a5a0000-0000-4000-8000-000000000002';
const CLIENT = '5a5a0000-0000-4000-8000-000000000003';
const VM = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-proseware`;
const FIRST = 'proseware-first-secret-value-abcdefghijklmnop';
const SECOND = 'proseware-second-secret-value-qrstuvwxyz0123';

let api: ApiHost;
let dir: string;

/** Runs `ctc` in-process; `answers` are what a user types at the prompts, in order. */
async function ctc(args: string[], answers: string[] = []) {
  const asked: Array<{ question: string; secret: boolean }> = [];
  const prompt = (question: string, options?: { secret?: boolean }) => {
    asked.push({ question, secret: options?.secret === true });
    return Promise.resolve(answers.shift() ?? '');
  };
  const run = await runCtc(api.host.httpUrl, args, answers.length ? { prompt } : {});
  return { ...run, asked };
}

beforeAll(async () => {
  api = await startApiHost();
  dir = await mkdtemp(join(tmpdir(), 'ctc-onboarding-'));
  const state = api.app.env.sandbox.state;
  state.addTenant(TENANT, 'Proseware');
  state.addSubscription(SUBSCRIPTION, TENANT);
  state.putResource({ id: VM, location: 'West Europe', properties: {} });
  state.addApp({
    tenantId: TENANT,
    clientId: CLIENT,
    objectId: '5a5a0000-0000-4000-8000-000000000004',
    secrets: [{ value: FIRST, expiresAt: new Date(Date.now() + 30 * DAY) }],
  });
  state.assignRole('5a5a0000-0000-4000-8000-000000000004', `/subscriptions/${SUBSCRIPTION}`, 'Reader');
});
afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ctc customers add / rotate-secret / remove (onboarding)', () => {
  it('asks for missing values, reads the secret without echo, and prints the passing test verdict', async () => {
    const result = await ctc(
      ['customers', 'add', 'proseware', '--resource', `${VM}=Percentage CPU`],
      ['Proseware', TENANT, '', CLIENT, FIRST],
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.asked.map((a) => a.secret)).toEqual([false, false, false, false, true]);
    expect(result.out).toContain('Added proseware (Proseware) with 1 resource(s).');
    expect(result.out).toMatch(/Stored Key Vault secret customer-proseware-secret, version \w+/);
    expect(result.out).toContain('Connection test: ready to collect');
    expect(result.out).not.toContain(FIRST);
    expect(api.app.env.sandbox.state.findVaultSecret('customer-proseware-secret')?.value).toBe(FIRST);
  });

  it('rotates the secret from a file and exits 1 with the code when the new secret does not work', async () => {
    const file = join(dir, 'secret.txt');
    await writeFile(file, `${SECOND}\n`);
    const refused = await ctc(['customers', 'rotate-secret', 'proseware', '--secret-file', file]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('AADSTS7000215');
    api.app.env.sandbox.state.addClientSecret(TENANT, CLIENT, {
      value: SECOND,
      expiresAt: new Date(Date.now() + 30 * DAY),
    });
    const rotated = await ctc([
      'customers',
      'rotate-secret',
      'proseware',
      '--secret-file',
      file,
      '--expires-on',
      '2030-01-01',
    ]);
    expect(rotated).toMatchObject({ code: 0, out: expect.stringContaining('Connection test: ready to collect') });
    expect(rotated.out).toContain('expires 2030-01-01T00:00:00.000Z');
    expect(rotated.out + refused.out).not.toContain(SECOND);
  });

  it("prints a failing resource's code and fix when the test that follows the secret finds one", async () => {
    const file = join(dir, 'secret-2.txt');
    await writeFile(file, `${FIRST}\n`);
    const missing = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-gone`;
    const result = await ctc([
      'customers',
      'add',
      'proseware-two',
      '--name',
      'Proseware 2',
      '--tenant',
      TENANT,
      '--client',
      CLIENT,
      '--secret-name',
      'customer-proseware-secret-2',
      '--secret-file',
      file,
      '--resource',
      `${missing}=Percentage CPU`,
    ]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('ResourceNotFound');
    expect(result.out).toMatch(/fix \((customer|provider) acts\):/);
    expect(result.out).not.toContain(FIRST);
  });

  it('removes with --purge-data and reports the soft-deleted secret and purged data', async () => {
    const result = await ctc(['customers', 'remove', 'proseware', '--yes', '--purge-data']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /Removed proseware; its Key Vault secret is soft-deleted .*; purged \d+ datapoint\(s\) and \d+ snapshot\(s\)\./,
    );
    expect(api.app.env.sandbox.state.findDeletedVaultSecret('customer-proseware-secret')).toBeDefined();
  });
});
