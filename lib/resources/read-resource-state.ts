import type { ResourceManagementClient } from '@azure/arm-resources';

/** What ARM says about a resource right now. */
export interface ResourceState {
  readonly resourceId: string;
  readonly type: string;
  readonly name: string;
  readonly location?: string;
  readonly sku?: string;
  /** `properties.state` where the type has one (Fabric / Power BI capacities: Active, Paused, ...). */
  readonly state?: string;
  readonly provisioningState?: string;
}

/**
 * API versions per resource type for the generic GET. ARM requires a version the type supports;
 * types not listed here use the fallback, which every listed provider accepts for reads.
 */
export const RESOURCE_API_VERSIONS: Readonly<Record<string, string>> = {
  'microsoft.fabric/capacities': '2023-11-01',
  'microsoft.powerbidedicated/capacities': '2021-01-01',
  'microsoft.compute/virtualmachines': '2024-07-01',
  'microsoft.storage/storageaccounts': '2023-05-01',
  'microsoft.web/sites': '2023-12-01',
  'microsoft.sql/servers/databases': '2023-08-01',
};
const FALLBACK_API_VERSION = '2022-09-01';

/** `Microsoft.Fabric/capacities` from a full resource ID (nested types keep every segment). */
export function resourceTypeOf(resourceId: string): string {
  const parts = resourceId.split('/providers/').pop()?.split('/') ?? [];
  const [namespace, ...rest] = parts;
  const types = rest.filter((_, i) => i % 2 === 0);
  return [namespace, ...types].join('/');
}

export function apiVersionFor(resourceId: string): string {
  return RESOURCE_API_VERSIONS[resourceTypeOf(resourceId).toLowerCase()] ?? FALLBACK_API_VERSION;
}

/** Reads one resource with a generic ARM GET; errors propagate as RestError for diagnosis. */
export async function readResourceState(
  client: ResourceManagementClient,
  resourceId: string,
  abortSignal?: AbortSignal,
): Promise<{ state: ResourceState; raw: unknown }> {
  const resource = await client.resources.getById(resourceId, apiVersionFor(resourceId), {
    ...(abortSignal ? { abortSignal } : {}),
  });
  const properties = (resource.properties ?? {}) as { state?: unknown; provisioningState?: unknown };
  const state: ResourceState = {
    resourceId,
    type: resource.type ?? resourceTypeOf(resourceId),
    name: resource.name ?? resourceId.split('/').pop() ?? resourceId,
    ...(resource.location ? { location: resource.location } : {}),
    ...(resource.sku?.name ? { sku: resource.sku.name } : {}),
    ...(typeof properties.state === 'string' ? { state: properties.state } : {}),
    ...(typeof properties.provisioningState === 'string' ? { provisioningState: properties.provisioningState } : {}),
  };
  return { state, raw: resource };
}
