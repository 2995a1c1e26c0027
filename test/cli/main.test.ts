import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { runCtc } from '../support/run-ctc';
import { startApiHost, type ApiHost } from '../support/start-api-host';

let api: ApiHost;

/** Runs `ctc` in-process against the test host and captures both streams. */
const ctc = (...args: string[]) => runCtc(api.host.httpUrl, args);

beforeAll(async () => {
  api = await startApiHost();
});
afterAll(async () => {
  await api?.close();
});

describe('ctc', () => {
  it('prints help at every level with exit 0, and exits 2 on usage errors', async () => {
    expect(await ctc('--help')).toMatchObject({ code: 0, out: expect.stringContaining('customers') });
    expect(await ctc('customers', 'add', '--help')).toMatchObject({
      code: 0,
      out: expect.stringContaining('--tenant'),
    });
    expect((await ctc('frobnicate')).code).toBe(2);
    expect((await ctc('query')).code).toBe(2);
    expect((await ctc('query', 'contoso', '--format', 'xml')).code).toBe(2);
  });

  it('lists the demo customers with their last run', async () => {
    const { code, out } = await ctc('customers', 'list');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ENABLED/);
    expect(lines.find((l) => l.startsWith('contoso'))).toMatch(/ok/);
    expect(lines.find((l) => l.startsWith('fabrikam'))).toMatch(/failed .*AADSTS7000222/);
  });

  it('queries contoso with one sparkline row per series', async () => {
    const { code, out } = await ctc('query', 'contoso', '--since', '24h');
    expect(code).toBe(0);
    const cpu = out.split('\n').find((l) => l.includes('Percentage CPU'))!;
    expect(cpu).toMatch(/^vm-contoso-gw\s+Percentage CPU\s+Percent\s+16\s/);
    expect(cpu).toMatch(/[▁▂▃▄▅▆▇█]{16}$/);
  });

  it('prints valid CSV across pages with one header', async () => {
    const { code, out } = await ctc('query', 'contoso', '--format', 'csv');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\r\n');
    expect(lines.filter((l) => l.startsWith('customerId,'))).toHaveLength(1);
    expect(lines).toHaveLength(49);
    expect(lines.slice(1).every((l) => l.split(',').length === 14)).toBe(true);
  });

  it('explains an unknown customer and a bad date with exit 1', async () => {
    const unknown = await ctc('query', 'nobody');
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toMatch(/ctc: No customer with id "nobody" \(CustomerNotFound\)/);
    const badDate = await ctc('query', 'contoso', '--since', 'last tuesday');
    expect(badDate.code).toBe(1);
    expect(badDate.err).toMatch(/"from" must be an ISO 8601 instant.*\(InvalidTime\)/);
  });

  it('says where it tried when the API is unreachable', async () => {
    const { code, err } = await ctc('--url', 'http://127.0.0.1:9', 'customers', 'list');
    expect(code).toBe(1);
    expect(err).toMatch(/Cannot reach the collector API at http:\/\/127\.0\.0\.1:9/);
  });

  it('reports health and exits 1 while customers fail', async () => {
    const { code, out } = await ctc('health');
    expect(code).toBe(1);
    expect(out).toMatch(/contoso|"customerId": "contoso"/);
  });

  it('collects on demand and waits for the run', async () => {
    const { code, out, err } = await ctc('collect', 'contoso', '--wait');
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d{8}T\d{4}Z-[0-9a-f]{8}$/);
    expect(err).toMatch(/contoso succeeded — 48 datapoints/);
    const failed = await ctc('collect', 'fabrikam', '--wait');
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/fabrikam failed — AADSTS7000222/);
  });

  it('backfills a range: one run per window, waits for all, and refuses --to without --from', async () => {
    const { code, out, err } = await ctc('collect', 'contoso', '--from', '2h', '--wait');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(2);
    expect(err.match(/contoso succeeded — \d+ datapoints/g)).toHaveLength(2);
    const usage = await ctc('collect', 'contoso', '--to', 'now');
    expect(usage.code).not.toBe(0);
    expect(usage.err).toMatch(/--to needs --from/);
  });

  it('adds, updates, disables and enables a customer', async () => {
    const vm = `/subscriptions/${DEMO_IDS.contoso.subscriptionId}/resourceGroups/rg-analytics/providers/Microsoft.Compute/virtualMachines/vm-contoso-gw`;
    const add = await ctc(
      'customers',
      'add',
      'acme',
      '--name',
      'Acme',
      '--tenant',
      DEMO_IDS.contoso.tenantId,
      '--client',
      DEMO_IDS.contoso.clientId,
      '--resource',
      `${vm}=Percentage CPU`,
    );
    expect(add.err).toBe('');
    expect(add).toMatchObject({ code: 0, out: expect.stringContaining('Added acme (Acme) with 1 resource(s)') });
    expect((await ctc('customers', 'add', 'acme', '--name', 'A', '--tenant', 'x', '--client', 'y')).err).toMatch(
      /already exists/,
    );
    expect(
      (
        await ctc(
          'customers',
          'add',
          'bad',
          '--name',
          'B',
          '--tenant',
          'not-a-guid',
          '--client',
          DEMO_IDS.contoso.clientId,
        )
      ).err,
    ).toMatch(/tenantId: must be a GUID/);
    expect(
      (await ctc('customers', 'update', 'acme', '--name', 'Acme Corp', '--remove-resource', 'vm-contoso-gw')).code,
    ).toBe(0);
    expect((await ctc('customers', 'disable', 'acme')).code).toBe(0);
    const shown = JSON.parse((await ctc('customers', 'show', 'acme')).out);
    expect(shown).toMatchObject({ id: 'acme', displayName: 'Acme Corp', enabled: false, resources: [] });
    expect((await ctc('customers', 'enable', 'acme')).code).toBe(0);
    // A delivery target needs both flags; with both, the registration carries it.
    expect(
      await ctc('customers', 'update', 'acme', '--deliver-url', 'https://acme.blob.core.windows.net'),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('--deliver-url and --deliver-container go together'),
    });
    const deliver = [
      '--deliver-url',
      'https://acmeexports.blob.core.windows.net',
      '--deliver-container',
      'ctc-snapshots',
    ];
    expect((await ctc('customers', 'update', 'acme', ...deliver)).code).toBe(0);
    expect(JSON.parse((await ctc('customers', 'show', 'acme')).out).delivery).toEqual({
      blobServiceUrl: 'https://acmeexports.blob.core.windows.net',
      container: 'ctc-snapshots',
    });
    expect(JSON.parse((await ctc('customers', 'show', 'acme')).out).enabled).toBe(true);
    expect((await ctc('customers', 'remove', 'acme')).code).toBe(2);
  });

  it('runs the connection test and exits 1 when access fails', async () => {
    expect((await ctc('test', 'contoso')).code).toBe(0);
    const failing = await ctc('test', 'fabrikam');
    expect(failing.code).toBe(1);
    expect(failing.out).toMatch(/fabrikam: FAILED/);
  });
});
