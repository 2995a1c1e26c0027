import { describe, expect, it } from 'vitest';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import type { Datapoint } from '../../lib/metrics/datapoint';
import { queryCustomerMetrics } from '../../lib/query/query-customer-metrics';
import type { SeriesQuery } from '../../lib/store/metrics-table';

const sub = '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers';
const vm = `${sub}/Microsoft.Compute/virtualMachines/vm1`;
const customer = CustomerRegistry.validate({
  id: 'acme',
  displayName: 'Acme',
  tenantId: '00000000-0000-4000-8000-000000000001',
  clientId: '00000000-0000-4000-8000-000000000002',
  resources: [{ resourceId: vm, metrics: ['cpu', 'mem'], interval: 'PT1M' }],
});

/** The series store's contract in memory: [from, to) by timestamp, oldest first, up to limit. */
function memoryTable(points: Datapoint[]) {
  return {
    async query(q: SeriesQuery): Promise<Datapoint[]> {
      const found = points.filter(
        (p) =>
          p.metric === q.metric &&
          Date.parse(p.timestamp) >= q.from.getTime() &&
          Date.parse(p.timestamp) < q.to.getTime(),
      );
      return q.limit === undefined ? found : found.slice(0, q.limit);
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
});
