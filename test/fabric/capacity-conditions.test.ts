import { describe, expect, it } from 'vitest';
import { assessCapacityConditions } from '../../lib/fabric/assess-capacity-conditions';
import { computeCustomerHealth } from '../../lib/health/compute-customer-health';
import type { Datapoint } from '../../lib/metrics/datapoint';
import { renderSparkline } from '../../lib/cli/render-sparkline';
import { renderSvgSparkline } from '../../lib/dashboard/render-svg-sparkline';

const ID =
  '/subscriptions/c0c0c0c0-0000-4000-8000-000000000002/resourceGroups/rg/providers/Microsoft.Fabric/capacities/fabriccontoso';
const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 9, minute)).toISOString().replace('.000Z', 'Z');
const point = (metric: string, minute: number, average: number, maximum = average): Datapoint => ({
  resourceId: ID,
  metric,
  timestamp: at(minute),
  interval: 'PT5M',
  average,
  maximum,
});
const steady = [0, 5, 10, 15].flatMap((m) => [
  point('CUPercent', m, 40, 55),
  point('InteractiveDelayPercent', m, 38, 52),
  point('InteractiveRejectionPercent', m, 20, 30),
  point('BackgroundRejectionPercent', m, 12, 15),
  point('CarryOverCumulativePercent', m, 0),
]);

describe('assessCapacityConditions', () => {
  it('finds nothing wrong with a capacity at 40 % and no carry-forward', () => {
    expect(assessCapacityConditions(steady, 'Active', 90)).toEqual([]);
  });

  it('reports throttling from the maximum even when the average looks fine, naming the worst stage', () => {
    const spiky = [...steady, point('InteractiveDelayPercent', 20, 70, 104)];
    expect(assessCapacityConditions(spiky, 'Active', 90)).toEqual([
      { code: 'CapacityThrottling', message: 'interactive requests delayed (peak 104 %)' },
    ]);
    const rejecting = [...spiky, point('InteractiveRejectionPercent', 20, 80, 112)];
    expect(assessCapacityConditions(rejecting, 'Active', 90)[0]?.message).toBe(
      'interactive requests rejected (peak 112 %)',
    );
  });

  it('reports sustained high CU only when the last intervals all reach the configurable threshold', () => {
    const high = [...steady, point('CUPercent', 20, 92), point('CUPercent', 25, 95), point('CUPercent', 30, 91)];
    expect(assessCapacityConditions(high, 'Active', 90).map((c) => c.code)).toEqual(['CapacityHighCu']);
    expect(assessCapacityConditions(high, 'Active', 95)).toEqual([]);
    const dip = [...high, point('CUPercent', 35, 60)];
    expect(assessCapacityConditions(dip, 'Active', 90)).toEqual([]);
  });

  it('reports carry-forward building up and a paused capacity', () => {
    const carry = [...steady, point('CarryOverCumulativePercent', 20, 30, 48)];
    expect(assessCapacityConditions(carry, 'Paused', 90)).toEqual([
      { code: 'CapacityPaused', message: 'capacity is paused' },
      { code: 'CapacityCarryForwardBuilding', message: 'carry-forward grew from 0 % to 48 %' },
    ]);
  });
});

describe('customer health with a capacity condition', () => {
  it('is degraded with the capacity named when collection succeeded but the capacity throttles', () => {
    const health = computeCustomerHealth({
      status: {
        customerId: 'contoso',
        lastRunId: 'r',
        lastWindowStart: at(0),
        lastWindowEnd: at(59),
        lastAttemptAt: at(59),
        lastSuccessAt: at(59),
        outcome: 'ok',
        consecutiveFailures: 0,
        datapointsWritten: 10,
        resources: [
          {
            resourceId: ID,
            ok: true,
            datapoints: 10,
            conditions: ['CapacityThrottling: interactive requests rejected (peak 113 %)'],
          },
        ],
      },
      now: new Date(at(59)),
      scheduleIntervalMs: 3_600_000,
    });
    expect(health).toMatchObject({
      state: 'degraded',
      code: 'CapacityThrottling',
      reason: 'last run succeeded; fabriccontoso: CapacityThrottling: interactive requests rejected (peak 113 %)',
    });
  });
});

describe('CU charts', () => {
  it('scales a CU sparkline to the 100 % limit in the terminal, so a full block means at the limit', () => {
    expect(renderSparkline([0, 50, 100], 24, { min: 0, max: 100 })).toBe('▁▅█');
    expect(renderSparkline([0, 25, 50], 24, { min: 0, max: 100 })).toBe('▁▃▅');
  });

  it('draws a dashed limit line and throttling marks in the dashboard SVG', () => {
    const svg = renderSvgSparkline([40, 120, 60], { label: 'CU', reference: 100, marks: [1] });
    expect(svg).toContain('class="limit"');
    expect(svg).toMatch(/<circle class="mark" cx="[\d.]+" cy="[\d.]+" r="2"\/>/);
    expect(svg).toContain('1 throttled');
  });
});
