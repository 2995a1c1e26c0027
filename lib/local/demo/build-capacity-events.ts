import { createHash } from 'node:crypto';
import { capacityLoad, type CapacityProfile } from '../sandbox/power-bi/capacity-load';

export interface DemoCapacity {
  readonly capacityId: string;
  readonly capacityName: string;
  readonly sku: string;
  readonly tenantId: string;
  readonly profile: CapacityProfile;
}

/** `2025-09-22 05:23:00.0000000`: the UTC string format of the published schema's window times. */
function eventTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')}.0000000`;
}

/**
 * `Microsoft.Fabric.Capacity.Summary` events for [from, to), one per 30-second window, in the schema
 * fabric-docs publishes (real-time-hub/explore-fabric-capacity-overview-events.md): what an Eventstream
 * or a customer notebook forwards. Event ids are stable per capacity and window, like a re-sent event.
 */
export function buildSummaryEvents(capacity: DemoCapacity, from: Date, to: Date): Record<string, unknown>[] {
  const base = Number(/^F(\d+)$/i.exec(capacity.sku)?.[1] ?? 64);
  const budget = base * 1000 * 30;
  const events: Record<string, unknown>[] = [];
  for (let at = Math.ceil(from.getTime() / 30_000) * 30_000; at < to.getTime(); at += 30_000) {
    const load = capacityLoad(capacity.profile, base, at);
    const ms = (percent: number) => Math.round((percent / 100) * budget * 100) / 100;
    events.push({
      specversion: '1.0',
      dataschemaversion: '1.0',
      type: 'Microsoft.Fabric.Capacity.Summary',
      source: capacity.tenantId,
      subject: `/capacities/${capacity.capacityId}`,
      id: stableId(`${capacity.capacityId}/${at}`),
      time: new Date(at + 30_000).toISOString(),
      data: {
        capacityId: capacity.capacityId,
        capacityName: capacity.capacityName,
        capacitySku: capacity.sku,
        windowStartTime: eventTime(at),
        windowEndTime: eventTime(at + 30_000),
        baseCapacityUnits: base,
        capacityUnitMs: ms(load.interactive + load.background),
        interactiveDelayThresholdPercentage: load.delay,
        interactiveRejectionThresholdPercentage: load.interactiveRejection,
        backgroundRejectionThresholdPercentage: load.backgroundRejection,
        overageTotalCapacityUnitMs: ms(load.carryCumulative),
        overageAddCapacityUnitMs: ms(load.carryAdd),
        overageBurndownCapacityUnitMs: ms(load.carryBurndown),
        utilizationBackground: ms(load.background),
        utilizationInteractive: ms(load.interactive),
        utilizationBackgroundPreview: ms(load.backgroundPreview),
        utilizationInteractivePreview: ms(load.interactivePreview),
        capacityUnitUtilizationBreakdown: {},
        tenantId: capacity.tenantId,
        capacityRegion: 'north europe',
        processedOverageCapacityUnitsMs: 0,
        overageBillingLimitCapacityUnitsMs: 0,
      },
    });
  }
  return events;
}

function stableId(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
