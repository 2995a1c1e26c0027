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

describe('ctc health, audit and test (issue 3)', () => {
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
