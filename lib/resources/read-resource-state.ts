import type { ArmClients } from './arm-clients';
import { resourceTypeOf } from './resource-type-of';

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
 * Reads one resource with a generic ARM GET (the API version from the resolver: built in for common
 * types, asked of the provider otherwise); errors propagate as RestError for diagnosis.
 */
export async function readResourceState(
  clients: Pick<ArmClients, 'resources' | 'apiVersions'>,
  resourceId: string,
  abortSignal?: AbortSignal,
): Promise<{ state: ResourceState; raw: unknown }> {
  const apiVersion = await clients.apiVersions.resolve(clients.resources, resourceId, abortSignal);
  const resource = await clients.resources.resources.getById(resourceId, apiVersion, {
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
