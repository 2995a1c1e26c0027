import { queryResourceGraphRows, MAX_RESOURCE_GRAPH_SUBSCRIPTIONS } from '../discovery/query-resource-graph';
import { chunk } from '../batching/chunk';
import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { ArmClients } from './arm-clients';
import { readResourceState, type ResourceState } from './read-resource-state';
import { resourceTypeOf } from './resource-type-of';

/** A resource's state and the raw record it came from (graph row or ARM GET body), or why it could not be read. */
export type StateRead =
  | { readonly ok: true; readonly state: ResourceState; readonly raw: unknown }
  | { readonly ok: false; readonly error: unknown };

export interface StateReads {
  /** Per resource id as asked. */
  readonly byResourceId: ReadonlyMap<string, StateRead>;
  /** Resource Graph queries (pages) sent. */
  readonly graphQueries: number;
  /** ARM GETs sent (resources the graph did not return, or all of them when the graph was refused). */
  readonly armGets: number;
  /** Why the graph could not be used, when it could not (the per-resource reads then stood in). */
  readonly graphError?: unknown;
}

/**
 * Reads the state of every resource of a customer with one Resource Graph query over all its
 * subscriptions (paged, ≤1,000 subscriptions per query) instead of one ARM GET per resource: a
 * thousand resources cost one or two graph calls, none of ARM's per-subscription read budget.
 * Resources the graph does not return (not yet indexed, or not readable) and every resource when the
 * graph is refused are read with the generic ARM GET, which also yields the precise error (404, 403).
 */
export async function readResourceStates(
  clients: Pick<ArmClients, 'resources' | 'apiVersions'>,
  armEndpoint: string,
  resourceIds: readonly string[],
  concurrency: number,
  signalFor: () => AbortSignal | undefined,
): Promise<StateReads> {
  const byResourceId = new Map<string, StateRead>();
  if (resourceIds.length === 0) return { byResourceId, graphQueries: 0, armGets: 0 };
  const subscriptions = [...new Set(resourceIds.map(subscriptionOf).filter((s): s is string => !!s))];
  const types = [...new Set(resourceIds.map((id) => resourceTypeOf(id).toLowerCase()))];
  const rowsById = new Map<string, Record<string, unknown>>();
  let graphQueries = 0;
  let graphError: unknown;
  try {
    for (const group of chunk(subscriptions, MAX_RESOURCE_GRAPH_SUBSCRIPTIONS)) {
      const rows = await queryResourceGraphRows(
        clients.resources,
        armEndpoint,
        { subscriptions: group, query: stateQuery(types) },
        signalFor(),
      );
      graphQueries += Math.max(1, Math.ceil(rows.length / 1000));
      for (const row of rows) {
        if (typeof row === 'object' && row !== null && typeof (row as { id?: unknown }).id === 'string') {
          rowsById.set((row as { id: string }).id.toLowerCase(), row as Record<string, unknown>);
        }
      }
    }
  } catch (error) {
    graphQueries += 1;
    graphError = error;
  }
  const missing: string[] = [];
  for (const id of resourceIds) {
    const row = rowsById.get(id.toLowerCase());
    if (row) byResourceId.set(id, { ok: true, state: stateOfRow(id, row), raw: row });
    else missing.push(id);
  }
  const settled = await mapWithConcurrency(missing, concurrency, (id) => readResourceState(clients, id, signalFor()));
  settled.forEach((result, i) => {
    const id = missing[i] as string;
    byResourceId.set(
      id,
      result.status === 'fulfilled'
        ? { ok: true, state: result.value.state, raw: result.value.raw }
        : { ok: false, error: result.reason },
    );
  });
  return { byResourceId, graphQueries, armGets: missing.length, ...(graphError ? { graphError } : {}) };
}

/** Every column state needs; `order by id` keeps `$skipToken` pages stable. */
function stateQuery(types: readonly string[]): string {
  const list = types.map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');
  return `Resources | where type in~ (${list}) | project id, name, type, location, kind, sku, properties | order by id asc`;
}

function stateOfRow(resourceId: string, row: Record<string, unknown>): ResourceState {
  const properties = (row.properties ?? {}) as { state?: unknown; provisioningState?: unknown };
  const sku = row.sku as { name?: unknown } | null | undefined;
  return {
    resourceId,
    // Resource Graph reports types in lower case; the id keeps Azure's casing.
    type: resourceTypeOf(resourceId),
    name: typeof row.name === 'string' ? row.name : (resourceId.split('/').pop() ?? resourceId),
    ...(typeof row.location === 'string' && row.location ? { location: row.location } : {}),
    ...(typeof sku?.name === 'string' ? { sku: sku.name } : {}),
    ...(typeof properties.state === 'string' ? { state: properties.state } : {}),
    ...(typeof properties.provisioningState === 'string' ? { provisioningState: properties.provisioningState } : {}),
  };
}

function subscriptionOf(resourceId: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1]?.toLowerCase();
}
