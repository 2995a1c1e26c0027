import { generateMetricSeries } from '../../lib/local/sandbox/generate-metric-series';
import { findMetricSpecs } from '../../lib/local/sandbox/metric-catalog';
import type { MetricsTable } from '../../lib/store/metrics-table';

/** One hour as the late-data tests collect it. */
export interface HourWindow {
  readonly windowStart: string;
  readonly windowEnd: string;
}

/** Percentage CPU of a VM in one window as stored: its points, how many, how many final. */
export async function storedVmCpu(metricsTable: MetricsTable, customerId: string, vm: string, window: HourWindow) {
  const points = await metricsTable.query({
    customerId,
    resourceId: vm,
    metric: 'Percentage CPU',
    from: new Date(window.windowStart),
    to: new Date(window.windowEnd),
  });
  return { points, present: points.length, final: points.filter((p) => !p.provisional).length };
}

/** The VM's 5-minute Percentage CPU averages in the window as the sandbox answers once everything has arrived. */
export function settledVmCpu(vm: string, window: HourWindow): number[] {
  const spec = findMetricSpecs('Microsoft.Compute/virtualMachines').find((s) => s.name === 'Percentage CPU')!;
  return generateMetricSeries({
    resourceId: vm,
    spec,
    start: new Date(window.windowStart),
    end: new Date(window.windowEnd),
    intervalMs: 300_000,
    aggregations: ['Average', 'Maximum'],
  }).map((p) => p.average!);
}
