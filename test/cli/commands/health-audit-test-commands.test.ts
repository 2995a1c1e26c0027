import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../../lib/local/demo/build-demo-scenario';
import { runCtc } from '../../support/run-ctc';
import { startApiHost, type ApiHost } from '../../support/start-api-host';

let api: ApiHost;

const ctc = (...args: string[]) => runCtc(api.host.httpUrl, args);

beforeAll(async () => {
  api = await startApiHost(); // one collection cycle of the demo customers through the registered functions
});
afterAll(async () => api?.close());

describe('ctc health, audit, coverage and test', () => {
  it('ctc health prints a table with contoso healthy and the failing customers with reasons, exit 1', async () => {
    const { code, out, err } = await ctc('health');
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^CUSTOMER\s+STATE\s+SECRET\s+LAST SUCCESS\s+REASON/);
    expect(lines.find((l) => l.startsWith('contoso'))).toMatch(
      /^contoso\s+healthy\s+\d+ d \(ok\)\s+\S+\s+last run succeeded/,
    );
    expect(lines.find((l) => l.startsWith('fabrikam'))).toMatch(
      /^fabrikam\s+actionRequired\s.*customer must act: 1 consecutive failed window: AADSTS7000222/,
    );
    expect(lines.find((l) => l.startsWith('tailspin'))).toMatch(/ManagedIdentityNotInCustomerTenant/);
    expect(err).toMatch(/customers need attention/);
  });

  it('ctc audit lists the calls made into contoso during the cycle', async () => {
    const { code, out } = await ctc('audit', 'contoso');
    expect(code).toBe(0);
    expect(out).toMatch(/^TIME\s+OPERATION\s+STATUS\s+RESOURCE/);
    expect(out).toMatch(/metrics\.getBatch\s+200\s+\/subscriptions\/c0c0c0c0/);
    expect(out).toMatch(/token\s+200\s+c0c0c0c0-0000-4000-8000-000000000001/);
  });

  it("ctc coverage shows each customer's window of the cycle: collected for contoso, missed with its code for fabrikam", async () => {
    // The cycle's window and the one before it, which was never attempted.
    const [cycle] = await api.app.services.runs.recent('contoso', 1);
    const from = new Date(Date.parse(cycle!.windowStart) - 3_600_000).toISOString();
    const range = ['--from', from, '--to', cycle!.windowEnd];
    const contoso = await ctc('coverage', 'contoso', ...range);
    expect(contoso.code).toBe(0);
    const rows = contoso.out.trim().split('\n');
    expect(rows[0]).toMatch(/^WINDOW START\s+WINDOW END\s+STATE\s+CODE\s+RUN/);
    expect(rows.slice(2).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      [from, cycle!.windowStart, 'none'],
      [cycle!.windowStart, cycle!.windowEnd, 'collected'],
    ]);
    expect(contoso.err).toMatch(/2 window\(s\) of contoso from \S+ to \S+: 1 collected, 0 missed, 0 queued, 1 none/);

    const fabrikam = await ctc('coverage', 'fabrikam', ...range);
    expect(fabrikam.out).toMatch(/\smissed\s+AADSTS7000222\s/);
    const json = await ctc('coverage', 'fabrikam', ...range, '--json');
    const body = JSON.parse(json.out) as { counts: Record<string, number>; windows: Array<{ state: string }> };
    expect(body.counts).toMatchObject({ missed: 1, none: 1, collected: 0 });
    expect(body.windows.map((w) => w.state)).toEqual(['none', 'missed']);

    const unknown = await ctc('coverage', 'no-such-customer');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/CustomerNotFound|not found/i);
  });

  it("ctc test explains tailspin's managed-identity pitfall with its real ids", async () => {
    const { code, out } = await ctc('test', 'tailspin');
    expect(code).toBe(1);
    expect(out).toMatch(/tailspin: FAILED — 1 problem, customer must act on 0/);
    expect(out).toContain('ManagedIdentityNotInCustomerTenant');
    expect(out).toContain(`fix (provider acts)`);
    expect(out).toContain(`--scopes '/subscriptions/${DEMO_IDS.tailspin.subscriptionId}'`);
  });

  it('ctc test says contoso is ready to collect', async () => {
    const { code, out } = await ctc('test', 'contoso');
    expect(code).toBe(0);
    expect(out).toMatch(/contoso: OK — ready to collect/);
    expect(out).toMatch(/✓ vm-contoso-gw: readable; 1\/1 metrics defined; 12 datapoints/);
  });
});
