import type { Services } from '../../app/create-services';
import { FABRIC_DEMO_IDS, WOODGROVE_CAPACITY } from './add-fabric-demo';
import { buildSummaryEvents } from './build-capacity-events';

/**
 * Plays woodgrove's side of the push path once, as its notebook would: an ingest key for it (shown once,
 * kept only in this process), then the last closed hour (plus the look-back) of `fabricwoodgrove`'s
 * Summary events POSTed to the running host's endpoint in batches, one batch sent twice (Fabric delivers
 * best effort). Returns what the endpoint answered, for the start-up log.
 */
export async function pushDemoCapacityEvents(
  services: Services,
  httpUrl: string,
  now: Date,
): Promise<{ received: number; accepted: number; duplicates: number }> {
  if (!(await services.registry.find('woodgrove'))?.fabric) return { received: 0, accepted: 0, duplicates: 0 };
  const { key } = await services.ingestKeys.create('woodgrove');
  const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const start = new Date(end.getTime() - 90 * 60_000);
  const events = buildSummaryEvents(
    {
      capacityId: FABRIC_DEMO_IDS.woodgrove.capacityId,
      capacityName: WOODGROVE_CAPACITY,
      sku: 'F8',
      tenantId: FABRIC_DEMO_IDS.woodgrove.tenantId,
      profile: 'steady',
    },
    start,
    end,
  );
  const batches = [events.slice(0, 100), events.slice(80)]; // 20 events sent twice
  const total = { received: 0, accepted: 0, duplicates: 0 };
  for (const batch of batches) {
    const response = await fetch(`${httpUrl}/api/customers/woodgrove/fabric-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ctc-ingest-key': key },
      body: JSON.stringify(batch),
    });
    if (!response.ok) throw new Error(`Demo push answered HTTP ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as typeof total;
    total.received += body.received;
    total.accepted += body.accepted;
    total.duplicates += body.duplicates;
  }
  return total;
}
