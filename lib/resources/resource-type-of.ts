/** `Microsoft.Fabric/capacities` from a full resource ID (nested types keep every segment). */
export function resourceTypeOf(resourceId: string): string {
  const parts = resourceId.split('/providers/').pop()?.split('/') ?? [];
  const [namespace, ...rest] = parts;
  const types = rest.filter((_, i) => i % 2 === 0);
  return [namespace, ...types].join('/');
}
