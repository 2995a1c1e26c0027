import { z } from 'zod';
import { fabricConfigSchema } from '../fabric/fabric-config';

/** Azure Monitor accepts at most this many metric names in one per-resource call. */
export const MAX_METRICS_PER_CALL = 20;
/** Dimensions one metric may be split by in one request (a `$filter` clause each). */
export const MAX_SPLIT_DIMENSIONS = 10;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `/subscriptions/{guid}/resourceGroups/{rg}/providers/{ns}/{type}/{name}` (nested types allowed). */
const RESOURCE_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w._()]{1,90}\/providers\/[A-Za-z0-9.]+\/[A-Za-z0-9]+\/[^/?#\\]+(\/[A-Za-z0-9]+\/[^/?#\\]+)*$/i;

export const customerIdSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'must be a slug: 1-40 lowercase letters, digits or hyphens');

export const guidSchema = z.string().regex(GUID, 'must be a GUID');

/**
 * How the collector gets into a customer's tenant: a client secret or a certificate (both kept in
 * Key Vault), a federated credential on the provider's managed identity (secretless), or Azure
 * Lighthouse delegation (the app's own identity; `clientId` then names that identity).
 */
/**
 * `managedIdentity` uses the provider's own managed identity directly. It only works when the customer's
 * resources are in the provider's own tenant; elsewhere it fails, and diagnosis explains why (kept so a
 * customer configured that way gets that explanation instead of a validation error).
 */
export const AUTH_MODES = [
  'clientSecret',
  'certificate',
  'federatedIdentity',
  'lighthouse',
  'managedIdentity',
] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
export const AGGREGATIONS = ['Average', 'Minimum', 'Maximum', 'Total', 'Count'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** ISO 8601 intervals that Azure Monitor supports for metrics. */
export const METRIC_INTERVALS = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'] as const;

export const resourceIdSchema = z.string().regex(RESOURCE_ID, 'must be a full ARM resource ID');

/** A dimension name as Azure Monitor defines it (e.g. `Tier`, `ApiName`, `Microsoft.ResourceId`). */
const dimensionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][\w .\-/]{0,127}$/, 'must be a dimension name (letters, digits, space, _ . - /)');

const resourceTargetFields = z.object({
  resourceId: resourceIdSchema,
  /** Metric names as Azure Monitor defines them (e.g. `Percentage CPU`). Empty: state only (Fabric). */
  metrics: z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        .regex(/^[^,]+$/, 'metric names cannot contain commas'),
    )
    .max(100)
    .default([]),
  aggregations: z.array(z.enum(AGGREGATIONS)).min(1).default(['Average', 'Maximum']),
  interval: z.enum(METRIC_INTERVALS).default('PT5M'),
  /**
   * Dimensions to split a metric by, keyed by metric name, e.g. `{"BlobCount": ["Tier"]}`: each value
   * combination is stored as its own series. Metrics not named here are read unsplit.
   */
  dimensions: z
    .record(z.string().min(1).max(200), z.array(dimensionNameSchema).min(1).max(MAX_SPLIT_DIMENSIONS))
    .default({}),
});

/** Every metric named in `dimensions` must be one the target collects. */
function checkDimensionMetrics(
  target: { metrics: string[]; dimensions: Record<string, string[]> },
  ctx: z.RefinementCtx,
) {
  const metrics = new Set(target.metrics.map((m) => m.toLowerCase()));
  for (const metric of Object.keys(target.dimensions)) {
    if (!metrics.has(metric.toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        path: ['dimensions', metric],
        message: `"${metric}" is not one of this resource's metrics`,
      });
    }
  }
}

export const resourceTargetSchema = resourceTargetFields.superRefine(checkDimensionMetrics);
export type ResourceTarget = z.infer<typeof resourceTargetSchema>;

/** An ARM resource type as Resource Graph names it, e.g. `microsoft.compute/virtualmachines`. */
const RESOURCE_TYPE = /^[A-Za-z0-9.]+(\/[A-Za-z0-9]+)+$/;

/** What to collect from each discovered resource of one type (same fields as a configured resource). */
export const discoveredMetricsSchema = resourceTargetFields
  .omit({ resourceId: true })
  .superRefine(checkDimensionMetrics);

/**
 * Optional resource discovery: every resource of `resourceTypes` in `subscriptions` is found through
 * Azure Resource Graph and collected, in addition to `resources`. `metrics` is keyed by resource type
 * (case-insensitive); a type without an entry is collected for state only. The list is cached for
 * `cacheHours` (default: the DISCOVERY_CACHE_HOURS setting).
 */
export const discoverySchema = z.object({
  subscriptions: z.array(guidSchema).min(1).max(100),
  resourceTypes: z
    .array(z.string().regex(RESOURCE_TYPE, 'must be a resource type such as microsoft.compute/virtualmachines'))
    .min(1)
    .max(50),
  metrics: z.record(z.string().regex(RESOURCE_TYPE, 'must be a resource type'), discoveredMetricsSchema).default({}),
  cacheHours: z.number().int().min(1).max(720).optional(),
});
export type DiscoveryConfig = z.infer<typeof discoverySchema>;

/** Azure container names: 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The customer's own blob endpoint: https, no query (a SAS token there would be a secret in a table row)
 * and at most one path segment (the account name, for path-style endpoints such as Azurite's).
 */
const blobServiceUrlSchema = z
  .string()
  .refine((value) => {
    const url = URL.parse(value);
    return url?.protocol === 'https:' && !url.search && !url.hash && !url.username && !url.password;
  }, 'must be an https URL without query, fragment or credentials (no SAS tokens)')
  .refine(
    (value) => (URL.parse(value)?.pathname.split('/').filter(Boolean).length ?? 0) <= 1,
    'must be the blob service URL (no container or blob path)',
  )
  .transform((value) => value.replace(/\/+$/, ''));

/**
 * Optional delivery of every snapshot to a container in the customer's own storage account, written
 * with the customer's credential (the principal needs Storage Blob Data Contributor there).
 */
export const deliverySchema = z.object({
  /** e.g. `https://contosoexports.blob.core.windows.net`. */
  blobServiceUrl: blobServiceUrlSchema,
  container: z
    .string()
    .regex(CONTAINER_NAME, 'must be a container name: 3-63 lowercase letters, digits or single hyphens'),
});
export type DeliveryTarget = z.infer<typeof deliverySchema>;

export const customerSchema = z.object({
  id: customerIdSchema,
  displayName: z.string().trim().min(1).max(200),
  tenantId: guidSchema,
  clientId: guidSchema,
  authMode: z.enum(AUTH_MODES).default('clientSecret'),
  /** Key Vault secret name; default `customer-{id}-secret`. */
  secretName: z
    .string()
    .regex(/^[0-9a-zA-Z-]{1,127}$/, 'must be a Key Vault secret name (letters, digits, hyphens)')
    .optional(),
  enabled: z.boolean().default(true),
  resources: z.array(resourceTargetSchema).max(5000).default([]),
  /** Where snapshots are also written in the customer's own storage; absent: not delivered. */
  delivery: deliverySchema.optional(),
  /** Resources found through Azure Resource Graph, collected in addition to `resources`. */
  discovery: discoverySchema.optional(),
  /** CU utilization of the customer's Fabric capacities (pull from the Capacity Metrics app, or push). */
  fabric: fabricConfigSchema.optional(),
});

/** A customer as a caller sends it (defaults not yet applied). */
export type CustomerInput = z.input<typeof customerSchema>;
/** A validated customer with defaults applied. */
export type Customer = z.infer<typeof customerSchema> & { readonly secretName: string };

/** The Key Vault secret name a customer uses when none is configured. */
export function defaultSecretName(customerId: string): string {
  return `customer-${customerId}-secret`;
}
