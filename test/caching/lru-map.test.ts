import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../lib/app/create-services';
import { LruMap } from '../../lib/caching/lru-map';
import { collectCustomer } from '../../lib/collect/collect-customer';
import { loadConfig } from '../../lib/config/load-config';
import { recentWindow } from '../support/recent-window';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

describe('LruMap', () => {
  it('keeps at most its capacity, dropping the least recently used', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1); // a is now the most recent
    map.set('c', 3);
    expect([map.has('a'), map.has('b'), map.has('c'), map.size]).toEqual([true, false, true, 2]);
    map.set('a', 10).set('d', 4);
    expect([map.get('a'), map.has('c'), map.get('d'), map.size]).toEqual([10, false, 4, 2]);
  });

  it('stores null and undefined values as entries', () => {
    const map = new LruMap<string, number | null>(1);
    map.set('gone', null);
    expect([map.has('gone'), map.get('gone')]).toEqual([true, null]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});

describe('per-customer state in one worker process (CUSTOMER_CACHE_SIZE)', () => {
  const BOUND = 2;
  // Demo customers the sandbox collects successfully with a Key Vault secret or a federated/Lighthouse principal.
  const CUSTOMERS = ['adatum', 'contoso', 'litware', 'wingtip'];
  let app: TestApp;
  let services: Services;

  beforeAll(async () => {
    app = await startTestApp();
    services = createServices(loadConfig({ ...process.env, CUSTOMER_CACHE_SIZE: String(BOUND) }));
  });
  afterAll(async () => app?.close());

  const collect = (customerId: string, n: number) =>
    collectCustomer(
      { version: 1, runId: `cache-${customerId}-${n}`, customerId, ...recentWindow(n), trigger: 'schedule' },
      services,
      recordingLogger(),
    );

  it(`holds credentials, secrets and metrics-access records of at most ${BOUND} customers after collecting ${CUSTOMERS.length}`, async () => {
    for (const id of CUSTOMERS) expect((await collect(id, 2)).outcome, id).toBe('ok');
    expect(services.credentials.size).toBe(BOUND);
    expect(services.secrets.size).toBeLessThanOrEqual(BOUND);
    expect(services.metricsAccess.cachedCustomers).toBe(BOUND);
  });

  it('rebuilds an evicted customer on its next run: a new credential asks Entra for a token again', async () => {
    const tokenRequests = () => app.env.sandbox.requests.list('entra').filter((r) => r.path.endsWith('/token')).length;
    const before = tokenRequests();
    expect((await collect(CUSTOMERS[0] as string, 3)).outcome).toBe('ok');
    expect(tokenRequests()).toBeGreaterThan(before);
    expect(services.credentials.size).toBe(BOUND);
  });
});
