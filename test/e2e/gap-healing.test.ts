import { TableClient, odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_TABLE } from '../../lib/app/storage-names';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { metricRowKey } from '../../lib/store/metric-keys';
import type { LocalHost } from '../../lib/local/host/start-local-host';
import { requestKindOf, type SandboxRequestEntry } from '../../lib/local/sandbox/sandbox-request-log';
import { startFastRetryHost } from '../support/start-fast-retry-host';
import { startTestApp, type TestApp } from '../support/start-test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let app: TestApp;
let host: LocalHost;
// The app's and the sandbox's clock: a few seconds after the hour, six hours ago, moved on an hour per cycle.
let clock = new Date(Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR + 5_000);

/** One hourly cycle: the timer fans out, the workers (and any gap healing they queue) run until the queue is empty. */
async function cycle(): Promise<{ windowStart: string; requests: SandboxRequestEntry[] }> {
  // An hour has passed: MSAL would have refreshed its tokens, which the sandbox checks against its own clock.
  for (const c of app.env.scenario.customers) app.services.credentials.forget(c.id);
  app.env.sandbox.requests.clear();
  await host.runTimer('collect-schedule');
  await host.waitForIdle();
  const windowStart = new Date(Math.floor(clock.getTime() / HOUR) * HOUR - HOUR).toISOString();
  const requests = [...app.env.sandbox.requests.list()];
  clock = new Date(clock.getTime() + HOUR);
  return { windowStart, requests };
}

async function fabrikamRowsIn(windowStart: string): Promise<number> {
  const table = TableClient.fromConnectionString(app.env.azurite.connectionString, METRICS_TABLE);
  const [from, to] = [windowStart, new Date(Date.parse(windowStart) + HOUR).toISOString()].map(metricRowKey);
  const filter = odata`customerId eq ${'fabrikam'} and RowKey ge ${from} and RowKey lt ${to}`;
  let rows = 0;
  for await (const _ of table.listEntities({ queryOptions: { filter } })) rows += 1;
  return rows;
}

/** `GET /api/customers/fabrikam/coverage` for the windows from `from` to `lastWindowStart`, as ops would read it. */
async function coverageOf(from: string, lastWindowStart: string) {
  const to = new Date(Date.parse(lastWindowStart) + HOUR).toISOString();
  const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const response = await fetch(`${host.httpUrl}/api/customers/fabrikam/coverage?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    counts: Record<string, number>;
    healedThrough?: string;
    windows: Array<{ state: string; errorCode?: string }>;
  };
}

/**
 * Calls into fabrikam's tenant: its Entra tenant, and every request carrying a token of that tenant (ARM
 * reads, Resource Graph, per-resource metrics and metrics:getBatch on the regional metrics host).
 */
const intoFabrikam = (requests: SandboxRequestEntry[]) =>
  requests.filter(
    (r) =>
      (r.service === 'entra' && r.path.startsWith(`/${DEMO_IDS.fabrikam.tenantId}/`)) ||
      r.tenantId === DEMO_IDS.fabrikam.tenantId,
  );
/** Its reads of resources and metrics, by kind (tokens apart). */
const readsOf = (requests: SandboxRequestEntry[]) => {
  const kinds: Record<string, number> = {};
  for (const r of intoFabrikam(requests).filter((e) => e.service !== 'entra')) {
    const kind = requestKindOf(r);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
};

beforeAll(async () => {
  app = await startTestApp({ now: () => clock });
  host = await startFastRetryHost(app);
});
afterAll(async () => {
  await host?.close();
  await app?.close();
});

describe('gap healing: a customer broken for three windows, then fixed', () => {
  it('fills all three missed windows without anyone acting, oldest first, right after its first good window', async () => {
    // fabrikam's secret has expired: three windows fail, and health says at once that the customer must act.
    const broken: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { windowStart } = await cycle();
      broken.push(windowStart);
      expect((await app.services.health.find('fabrikam'))?.state).toBe('actionRequired');
    }
    for (const w of broken) expect(await fabrikamRowsIn(w)).toBe(0);
    const before = await coverageOf(broken[0]!, broken[2]!);
    expect(before.counts).toMatchObject({ missed: 3, collected: 0 });
    expect(before.windows.map((w) => w.errorCode)).toEqual(Array(3).fill('AADSTS7000222'));

    // The customer sends a new secret; the provider stores it. Nobody asks for the missed windows.
    const { tenantId, clientId } = DEMO_IDS.fabrikam;
    const value = 'fabrikam-new-secret-value-after-the-outage-0123';
    app.env.sandbox.state.addClientSecret(tenantId, clientId, {
      value,
      expiresAt: new Date(clock.getTime() + 90 * DAY),
    });
    app.env.sandbox.state.setVaultSecret('customer-fabrikam-secret', value, {
      expiresOn: new Date(clock.getTime() + 90 * DAY),
    });
    app.services.secrets.forget('customer-fabrikam-secret');

    const recovery = await cycle();
    const normal = await cycle(); // nothing left to heal: what one window costs

    // fabrikam's one VM, one metric at PT5M: a complete window is 12 rows. The normal window was read 5 s after
    // it closed, so its last bucket may hold no minute yet (the sandbox's ingestion delay, with some minutes
    // late): 11 or 12 rows, completed later by the settle read or the next run's look-back. The healed windows
    // were read hours later, and the recovery window again by the normal run's look-back: complete.
    const fullWindow = HOUR / (5 * 60_000);
    const normalRows = await fabrikamRowsIn(normal.windowStart);
    expect(normalRows).toBeGreaterThanOrEqual(fullWindow - 1);
    expect(normalRows).toBeLessThanOrEqual(fullWindow);
    for (const w of [...broken, recovery.windowStart]) expect(await fabrikamRowsIn(w)).toBe(fullWindow);

    const after = await coverageOf(broken[0]!, normal.windowStart);
    expect(after.windows.map((w) => w.state)).toEqual(Array(5).fill('collected'));
    expect(after.healedThrough).toBe(normal.windowStart); // every window before it is collected
    const backfillRuns = (await app.services.runs.recent('fabrikam', 20)).filter((r) => r.trigger === 'backfill');
    expect(backfillRuns.map((r) => [r.windowStart, r.status]).sort()).toEqual(broken.map((w) => [w, 'succeeded']));
    expect((await app.services.health.find('fabrikam'))?.state).toBe('healthy');

    // A healed window's state was read hours after it (ARM answers only the present): its snapshot says so.
    const stateOf = async (windowStart: string) => {
      const range = { start: new Date(windowStart), end: new Date(Date.parse(windowStart) + HOUR) };
      const snapshot = (await app.services.snapshots.read('fabrikam', range)) as {
        resources: Array<{ stateReadAt?: string; stateReadLate?: boolean }>;
      };
      return snapshot.resources.map((r) => ({ late: r.stateReadLate ?? false, at: r.stateReadAt }));
    };
    for (const w of broken) {
      const states = await stateOf(w);
      expect(states.length).toBeGreaterThan(0);
      for (const state of states) {
        expect(state.late).toBe(true);
        expect(Date.parse(state.at!) - Date.parse(w)).toBeGreaterThan(2 * HOUR);
      }
    }
    for (const state of await stateOf(normal.windowStart)) expect(state.late).toBe(false);

    // Cost: each healed window is one more window's worth of reads (Resource Graph for state, the metrics
    // batch API for metrics); no extra token request.
    const normalReads = readsOf(normal.requests);
    expect(normalReads).toEqual({ 'arm resourceGraph': 1, 'metrics getBatch': 1 });
    const recoveryReads = readsOf(recovery.requests);
    expect(recoveryReads).toEqual(
      Object.fromEntries(Object.entries(normalReads).map(([kind, count]) => [kind, 4 * count])),
    );
    const recoveryTokens = intoFabrikam(recovery.requests).filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
    expect(recoveryTokens).toBe(1);
  });
});
