import { resourceTargetSchema, type DiscoveryConfig, type ResourceTarget } from '../customers/customer';
import type { DiscoveredResource } from './query-resource-graph';

/**
 * The resources to read in one run: every configured resource, then every discovered one that is not
 * configured already (ARM IDs compare case-insensitively). A configured entry wins, so a customer can
 * give one discovered resource its own metrics. A discovered resource gets the metrics configured for
 * its type in `discovery.metrics` (type compared case-insensitively), or is read for state only.
 */
export function mergeResourceTargets(
  configured: readonly ResourceTarget[],
  discovered: readonly Pick<DiscoveredResource, 'id' | 'type'>[],
  metricsByType: DiscoveryConfig['metrics'] = {},
): ResourceTarget[] {
  const seen = new Set(configured.map((t) => t.resourceId.toLowerCase()));
  const perType = new Map(Object.entries(metricsByType).map(([type, spec]) => [type.toLowerCase(), spec]));
  const merged = [...configured];
  for (const resource of discovered) {
    const key = resource.id.toLowerCase();
    if (seen.has(key)) continue;
    // Discovered IDs come from the customer's tenant: one that is not a valid resource ID is skipped
    // rather than failing the whole run.
    const target = resourceTargetSchema.safeParse({
      resourceId: resource.id,
      ...perType.get(resource.type.toLowerCase()),
    });
    if (!target.success) continue;
    seen.add(key);
    merged.push(target.data);
  }
  return merged;
}
