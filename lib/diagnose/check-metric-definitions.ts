import type { MonitorClient } from '@azure/arm-monitor';

/** Which configured metric names Azure Monitor defines for a resource's type. */
export interface MetricDefinitionCheck {
  /** Every metric name the resource type defines, as Azure Monitor spells it. */
  readonly defined: readonly string[];
  /** Configured names the type does not define (compared case-insensitively, as Azure Monitor does). */
  readonly missing: readonly string[];
}

/**
 * Reads the resource's metric definitions and compares them with the configured names. A wrong name
 * otherwise surfaces only as a 400 on the first collection; the definitions list also gives the
 * valid names for the fix.
 */
export async function checkMetricDefinitions(
  client: MonitorClient,
  resourceId: string,
  configured: readonly string[],
  abortSignal?: AbortSignal,
): Promise<MetricDefinitionCheck> {
  const defined: string[] = [];
  for await (const definition of client.metricDefinitions.list(resourceId, abortSignal ? { abortSignal } : {})) {
    const name = definition.name?.value;
    if (name) defined.push(name);
  }
  const known = new Set(defined.map((n) => n.toLowerCase()));
  return { defined, missing: configured.filter((name) => !known.has(name.toLowerCase())) };
}
