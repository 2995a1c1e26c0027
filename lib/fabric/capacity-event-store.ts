import { odata, RestError, type TableClient } from '@azure/data-tables';
import type { CapacityTimepoint } from './fabric-metrics';
import type { CapacityEvent } from './parse-capacity-events';

interface SummaryEntity {
  partitionKey: string;
  rowKey: string;
  eventId: string;
  capacityId: string;
  capacityName: string;
  /** JSON of the timepoint's metric values. */
  values: string;
}

interface StateEntity {
  partitionKey: string;
  rowKey: string;
  eventId: string;
  capacityId: string;
  capacityName: string;
  capacityState: string;
  stateChangeReason: string;
}

export interface StoredEvents {
  readonly accepted: number;
  /** Events already stored (same event id, or another event for the same capacity and 30-second window). */
  readonly duplicates: number;
}

/**
 * Pushed Real-Time hub capacity events, one row per capacity and 30-second window (Summary) or per
 * state transition (State). Fabric delivers best effort, duplicates possible (fabric-docs
 * explore-fabric-capacity-overview-events.md, "Duplicate events": one event per window per capacity),
 * so the row key is the window: a second event for it, whatever its id, is a duplicate and the first
 * one stays. The collect run rolls these up into the same series as the pull path.
 */
export class CapacityEventStore {
  constructor(private readonly table: TableClient) {}

  async add(customerId: string, events: readonly CapacityEvent[]): Promise<StoredEvents> {
    let accepted = 0;
    let duplicates = 0;
    const seenIds = new Set<string>();
    for (const event of events) {
      if (seenIds.has(event.id)) {
        duplicates++;
        continue;
      }
      seenIds.add(event.id);
      const capacity = event.capacityName.toLowerCase();
      const entity: SummaryEntity | StateEntity =
        event.kind === 'summary'
          ? {
              partitionKey: summaryPartition(customerId, capacity),
              rowKey: event.windowStart,
              eventId: event.id,
              capacityId: event.capacityId,
              capacityName: event.capacityName,
              values: JSON.stringify(event.values),
            }
          : {
              partitionKey: statePartition(customerId, capacity),
              rowKey: event.transitionTime,
              eventId: event.id,
              capacityId: event.capacityId,
              capacityName: event.capacityName,
              capacityState: event.capacityState,
              stateChangeReason: event.stateChangeReason,
            };
      try {
        await this.table.createEntity(entity);
        accepted++;
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 409) duplicates++;
        else throw error;
      }
    }
    return { accepted, duplicates };
  }

  /** Summary timepoints of one capacity (by ARM/Fabric name) in [from, to), oldest first. */
  async readTimepoints(customerId: string, capacityName: string, from: Date, to: Date): Promise<CapacityTimepoint[]> {
    const partitionKey = summaryPartition(customerId, capacityName.toLowerCase());
    const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${from.toISOString()} and RowKey lt ${to.toISOString()}`;
    const points: CapacityTimepoint[] = [];
    for await (const entity of this.table.listEntities<SummaryEntity>({ queryOptions: { filter } })) {
      points.push({ timestamp: entity.rowKey, values: JSON.parse(entity.values) as CapacityTimepoint['values'] });
    }
    return points;
  }

  /** The newest state transition of a capacity, if any was pushed. */
  async latestState(
    customerId: string,
    capacityName: string,
  ): Promise<{ state: string; reason: string; at: string } | undefined> {
    const partitionKey = statePartition(customerId, capacityName.toLowerCase());
    let latest: StateEntity | undefined;
    const filter = odata`PartitionKey eq ${partitionKey}`;
    for await (const e of this.table.listEntities<StateEntity>({ queryOptions: { filter } })) latest = e;
    return latest ? { state: latest.capacityState, reason: latest.stateChangeReason, at: latest.rowKey } : undefined;
  }
}

// Table keys may not contain `/ \ # ?`: capacity names are letters and digits (ARM: 3-63 lowercase alphanumerics).
function summaryPartition(customerId: string, capacity: string): string {
  return `events~${customerId}~${encodeURIComponent(capacity)}`;
}
function statePartition(customerId: string, capacity: string): string {
  return `state~${customerId}~${encodeURIComponent(capacity)}`;
}
