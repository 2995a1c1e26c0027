import { describe, expect, it } from 'vitest';
import { readAzureSpec } from '../support/azure-spec-examples';
import { toDatapoints, type ConversionRequest, type MetricsResponseLike } from '../../lib/metrics/to-datapoints';

const getMetric = readAzureSpec<{ responses: { 200: { body: MetricsResponseLike } } }>(
  'monitor/resource-manager/Microsoft.Insights/stable/2024-02-01/examples/GetMetric.json',
);
const batchExample = readAzureSpec<{ responses: { 200: { body: { values: MetricsResponseLike[] } } } }>(
  'monitor/Azure.Monitor.Query.Metrics/examples/2024-02-01/MetricBatchExample.json',
);

/** A request over all of time, read long after the fact: nothing filtered, nothing provisional. */
const wide = (overrides: Partial<ConversionRequest> = {}): ConversionRequest => ({
  resourceId: '/r',
  requestedMetrics: [],
  interval: 'PT5M',
  range: { start: new Date(0), end: new Date('2100-01-01T00:00:00Z') },
  settledBefore: new Date('2100-01-01T00:00:00Z'),
  ...overrides,
});

const cpu = (data: Array<Record<string, unknown>>): MetricsResponseLike => ({
  interval: 'PT5M',
  value: [
    {
      name: { value: 'Percentage CPU' },
      unit: 'Percent',
      timeseries: [{ metadatavalues: [], data: data as Array<{ timeStamp: string }> }],
    },
  ],
});

describe('toDatapoints', () => {
  it("keeps each tier of Azure's GetMetric example as its own series, keyed on the requested names", () => {
    const body = getMetric.responses[200].body;
    const points = toDatapoints(body, wide({ requestedMetrics: ['blobcount', 'BlobCapacity'], interval: 'PT6H' }));
    // 2 metrics x 5 tiers x 5 hours, none collapsed.
    expect(points).toHaveLength(50);
    expect(new Set(points.map((p) => p.metric))).toEqual(new Set(['blobcount', 'BlobCapacity']));
    const blobCount = (tier: string) =>
      points.filter((p) => p.metric === 'blobcount' && p.dimensions?.tier === tier).map((p) => p.average);
    expect(blobCount('Hot')).toEqual([7, 7, 7, 7, 7]);
    expect(blobCount('Standard')).toEqual([2, 2, 2, 2, 2]);
    // A real 0 that Azure reports is a value, not an empty slot.
    expect(blobCount('Cool')).toEqual([0, 0, 0, 0, 0]);
    // The stored interval is the one Azure answered with (PT1H), not the PT6H asked for.
    expect(points.every((p) => p.interval === 'PT1H')).toBe(true);
    expect(points.every((p) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.timestamp))).toBe(true);
  });

  it('spells a dimension as configured when Azure echoes it in its own casing', () => {
    const points = toDatapoints(
      getMetric.responses[200].body,
      wide({ requestedMetrics: ['BlobCount'], dimensionNames: ['Tier'] }),
    );
    expect(points[0]?.dimensions).toEqual({ Tier: 'Hot' });
  });

  it("converts a batch answer's entries the same way (two dimensions, empty slots dropped)", () => {
    const entry = batchExample.responses[200].body.values[0]!;
    const points = toDatapoints(entry, wide({ requestedMetrics: ['Ingress', 'Egress'] }));
    const slots = entry.value.flatMap((m) => m.timeseries ?? []).flatMap((s) => s.data ?? []);
    const empty = slots.filter((d) => d.average === undefined && d.maximum === undefined && d.minimum === undefined);
    expect(empty.length).toBeGreaterThan(0);
    expect(points).toHaveLength(slots.length - empty.length);
    expect(points[0]?.dimensions).toEqual({ apiname: 'GetBlob', authentication: 'SAS' });
  });

  it('drops empty slots instead of inventing zeros', () => {
    const points = toDatapoints(
      cpu([{ timeStamp: '2026-11-22T09:00:00Z', average: 12.5, maximum: 30 }, { timeStamp: '2026-11-22T09:05:00Z' }]),
      wide({ requestedMetrics: ['Percentage CPU'] }),
    );
    expect(points).toEqual([
      {
        resourceId: '/r',
        metric: 'Percentage CPU',
        timestamp: '2026-11-22T09:00:00Z',
        interval: 'PT5M',
        unit: 'Percent',
        average: 12.5,
        maximum: 30,
      },
    ]);
  });

  it('keeps only buckets that start inside the requested range', () => {
    const data = ['08:55', '09:00', '09:55', '10:00'].map((t) => ({ timeStamp: `2026-11-22T${t}:00Z`, average: 1 }));
    const points = toDatapoints(
      cpu(data),
      wide({ range: { start: new Date('2026-11-22T09:00:00Z'), end: new Date('2026-11-22T10:00:00Z') } }),
    );
    expect(points.map((p) => p.timestamp)).toEqual(['2026-11-22T09:00:00Z', '2026-11-22T09:55:00Z']);
  });

  it('marks buckets that end after the settled instant as provisional, and only those', () => {
    const data = ['09:45', '09:50', '09:55'].map((t) => ({ timeStamp: `2026-11-22T${t}:00Z`, average: 1 }));
    const points = toDatapoints(cpu(data), wide({ settledBefore: new Date('2026-11-22T09:55:00Z') }));
    expect(points.map((p) => [p.timestamp.slice(11, 16), p.provisional ?? false])).toEqual([
      ['09:45', false],
      ['09:50', false],
      ['09:55', true],
    ]);
  });

  it('keeps the requested name when the service reports a localized one', () => {
    const response: MetricsResponseLike = {
      value: [
        {
          name: { value: 'usedcapacity', localizedValue: 'Used capacity' },
          timeseries: [{ data: [{ timeStamp: new Date('2026-11-22T09:00:00Z'), average: 1 }] }],
        },
      ],
    };
    expect(toDatapoints(response, wide({ requestedMetrics: ['UsedCapacity'], interval: 'PT1H' }))[0]?.metric).toBe(
      'UsedCapacity',
    );
  });
});
