import { z } from 'zod';
import { FABRIC_INTERVALS } from './fabric-metrics';
import { DEFAULT_CAPACITY_METRICS_DATASET } from './capacity-metrics-model';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * CU utilization of the customer's Fabric capacities (its `Microsoft.Fabric/capacities` resources).
 * `pull`: the Capacity Metrics app's model, read with the customer's own principal; the workspace and
 * dataset are found by name unless given. `push`: the customer sends Real-Time hub capacity events to
 * the ingest endpoint. Either way the capacity gets the same series at `interval` (avg and max).
 */
export const fabricConfigSchema = z.object({
  mode: z.enum(['pull', 'push']).default('pull'),
  workspaceId: z.string().regex(GUID, 'must be a GUID').optional(),
  datasetId: z.string().regex(GUID, 'must be a GUID').optional(),
  datasetName: z.string().trim().min(1).max(200).default(DEFAULT_CAPACITY_METRICS_DATASET),
  interval: z.enum(FABRIC_INTERVALS).default('PT5M'),
  /** Health: a capacity whose CU % stays above this is "sustained high" (see health). */
  highCuPercent: z.number().min(1).max(1000).default(90),
});
export type FabricConfig = z.infer<typeof fabricConfigSchema>;
