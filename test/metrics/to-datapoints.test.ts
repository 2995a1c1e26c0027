import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toDatapoints, type MetricsResponseLike } from '../../lib/metrics/to-datapoints';

const FIXTURES = join(__dirname, '../../../shared/fixtures/azure-rest-api-specs/specification');
const getMetric = JSON.parse(
  readFileSync(
    join(FIXTURES, 'monitor/resource-manager/Microsoft.Insights/stable/2024-02-01/examples/GetMetric.json'),
    'utf8',
  ),
) as { responses: { 200: { body: MetricsResponseLike } } };

describe('toDatapoints', () => {
  it("flattens Azure's real Metrics_List example into datapoints keyed on the requested names", () => {
    const body = getMetric.responses[200].body;
    const points = toDatapoints(
      '/subscriptions/x/resourceGroups/rg/providers/a/b/c',
      ['blobcount', 'BlobCapacity'],
      'PT6H',
      body,
    );
    expect(points.length).toBeGreaterThan(0);
    const metrics = new Set(points.map((p) => p.metric));
    // The requested spelling wins over the service's.
    expect(metrics).toEqual(new Set(['blobcount', 'BlobCapacity']));
    expect(points.every((p) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.timestamp))).toBe(true);
    expect(points.every((p) => p.interval === body.interval)).toBe(true);
    expect(points[0]?.unit).toBe('Count');
  });

  it('drops empty slots instead of inventing zeros', () => {
    const response: MetricsResponseLike = {
      interval: 'PT5M',
      value: [
        {
          name: { value: 'Percentage CPU' },
          unit: 'Percent',
          timeseries: [
            {
              data: [
                { timeStamp: '2026-11-22T09:00:00Z', average: 12.5, maximum: 30 },
                { timeStamp: '2026-11-22T09:05:00Z' },
              ],
            },
          ],
        },
      ],
    };
    const points = toDatapoints('/r', ['Percentage CPU'], 'PT5M', response);
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

  it('keeps the requested name when the service reports a localized one', () => {
    const response: MetricsResponseLike = {
      value: [
        {
          name: { value: 'usedcapacity', localizedValue: 'Used capacity' },
          timeseries: [{ data: [{ timeStamp: new Date('2026-11-22T09:00:00Z'), average: 1 }] }],
        },
      ],
    };
    expect(toDatapoints('/r', ['UsedCapacity'], 'PT1H', response)[0]?.metric).toBe('UsedCapacity');
  });
});
