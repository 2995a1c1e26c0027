import { describe, expect, it } from 'vitest';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import type { Datapoint } from '../../lib/metrics/datapoint';
import { queryCustomerMetrics } from '../../lib/query/query-customer-metrics';
import { dimensionKey } from '../../lib/store/metric-keys';
import type { MetricSeriesQuery, StoredSeries } from '../../lib/store/metrics-table';

const sub = '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers';
const vm = `${sub}/Microsoft.Compute/virtualMachines/vm1`;
const customer = CustomerRegistry.validate({
  id: 'acme',
  displayName: 'Acme',
  tenantId: '00000000-0000-4000-8000-000000000001',
  clientId: '00000000-0000-4000-8000-000000000002',
  resources: [{ resourceId: vm, metrics: ['cpu', 'mem'], interval: 'PT1M' }],
});

/**
 * The series store's contract in memory: a metric's series (unsplit first, then by dimension key), each
 * [from, to) by timestamp, oldest first, resumable inside one series, up to limit points in all.
 */
function memoryTable(points: Datapoint[]) {
  return {
    async querySeries(q: MetricSeriesQuery): Promise<StoredSeries[]> {
      const keyOf = (p: Datapoint) => (p.dimensions ? dimensionKey(p.dimensions) : '');
      const groups = new Map<string, StoredSeries>();
      for (const p of points) {
        if (p.metric !== q.metric) continue;
        const key = keyOf(p);
        const at = Date.parse(p.timestamp);
        if (at < q.from.getTime() || at >= q.to.getTime()) continue;
        if (
          q.resume &&
          (key < q.resume.dimensionKey || (key === q.resume.dimensionKey && at < q.resume.from.getTime()))
        )
          continue;
        const group = groups.get(key) ?? {
          dimensionKey: key,
          ...(p.dimensions ? { dimensions: p.dimensions } : {}),
          points: [],
        };
        group.points.push(p);
        groups.set(key, group);
      }
      const ordered = [...groups.values()].sort((a, b) => (a.dimensionKey < b.dimensionKey ? -1 : 1));
      let left = q.limit ?? Infinity;
      const out: StoredSeries[] = [];
      for (const g of ordered) {
        if (left <= 0) break;
        const taken = g.points.slice(0, left);
        left -= taken.length;
        out.push({ ...g, points: taken });
      }
      return out;
    },
  };
}

const start = Date.parse('2026-11-22T00:00:00Z');
const points: Datapoint[] = ['cpu', 'mem'].flatMap((metric) =>
  Array.from({ length: 120 }, (_, i) => ({
    resourceId: vm,
    metric,
    timestamp: new Date(start + i * 60_000).toISOString().replace('.000', ''),
    interval: 'PT1M',
    average: i,
  })),
);
const range = { from: new Date(start), to: new Date(start + 2 * 3_600_000) };

describe('queryCustomerMetrics', () => {
  it('rolls 1-minute points up to hours', async () => {
    const page = await queryCustomerMetrics(
      customer,
      { ...range, metrics: ['cpu'], interval: 'PT1H' },
      memoryTable(points),
    );
    expect(page.series[0]!.points.map((p) => [p.timestamp, p.minimum, p.average, p.maximum])).toEqual([
      ['2026-11-22T00:00:00Z', 0, 29.5, 59],
      ['2026-11-22T01:00:00Z', 60, 89.5, 119],
    ]);
  });

  it('continues a rolled-up page at the next bucket', async () => {
    const table = memoryTable(points);
    const first = await queryCustomerMetrics(customer, { ...range, interval: 'PT5M', maxPoints: 30 }, table);
    expect(first.series.map((s) => [s.metric, s.points.length])).toEqual([
      ['cpu', 24],
      ['mem', 6],
    ]);
    const second = await queryCustomerMetrics(
      customer,
      { ...range, interval: 'PT5M', maxPoints: 30, continuationToken: first.continuationToken! },
      table,
    );
    expect(second.series.map((s) => [s.metric, s.points.length])).toEqual([['mem', 18]]);
    expect(second.series[0]!.points[0]!.timestamp).toBe('2026-11-22T00:30:00Z');
    expect(second.continuationToken).toBeUndefined();
  });

  it('refuses a token replayed with other parameters', async () => {
    const table = memoryTable(points);
    const first = await queryCustomerMetrics(customer, { ...range, maxPoints: 10 }, table);
    await expect(
      queryCustomerMetrics(customer, { ...range, maxPoints: 11, continuationToken: first.continuationToken! }, table),
    ).rejects.toMatchObject({ code: 'InvalidContinuationToken' });
  });

  it('refuses a query covering more points than the bound, and suggests a roll-up', async () => {
    const month = { from: new Date(start), to: new Date(start + 31 * 86_400_000) };
    const many = CustomerRegistry.validate({
      ...customer,
      resources: Array.from({ length: 5 }, (_, i) => ({ resourceId: `${vm}${i}`, metrics: ['cpu'], interval: 'PT1M' })),
    });
    await expect(queryCustomerMetrics(many, month, memoryTable([]))).rejects.toMatchObject({
      code: 'TooManyPoints',
      message: expect.stringMatching(/interval=PT1H/),
    });
    const rolled = await queryCustomerMetrics(many, { ...month, interval: 'PT1H' }, memoryTable([]));
    expect(rolled.series).toHaveLength(5);
  });

  it('returns each split series with its dimension values, pages through them, and labels the stored grain', async () => {
    const split: Datapoint[] = ['Hot', 'Cool'].flatMap((tier) =>
      Array.from({ length: 3 }, (_, i) => ({
        resourceId: vm,
        metric: 'cpu',
        dimensions: { Tier: tier },
        timestamp: new Date(start + i * 3_600_000).toISOString().replace('.000', ''),
        interval: 'PT1H',
        average: tier === 'Hot' ? 7 : 0,
        ...(i === 2 ? { provisional: true } : {}),
      })),
    );
    const table = memoryTable(split);
    const wide = { from: new Date(start), to: new Date(start + 3 * 3_600_000), metrics: ['cpu'] };
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await queryCustomerMetrics(
        customer,
        { ...wide, maxPoints: 2, ...(token ? { continuationToken: token } : {}) },
        table,
      );
      for (const s of page.series) {
        // The configured grain is PT1M; the series says what was stored.
        expect(s.interval).toBe('PT1H');
        for (const p of s.points)
          seen.push(`${s.dimensions?.Tier}|${p.timestamp.slice(11, 13)}|${p.average}|${p.provisional ?? false}`);
      }
      token = page.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(seen.sort()).toEqual([
      'Cool|00|0|false',
      'Cool|01|0|false',
      'Cool|02|0|true',
      'Hot|00|7|false',
      'Hot|01|7|false',
      'Hot|02|7|true',
    ]);
    expect(pages).toBe(3);
  });
});
