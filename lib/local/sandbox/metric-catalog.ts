import type { Aggregation } from '../../customers/customer';

/** How a metric's values behave over a day, for the generator. */
export type MetricShape =
  /** Level around `base` with a daily swing of `amplitude` and random `noise`, clamped to [min, max]. */
  | {
      readonly kind: 'diurnal';
      readonly base: number;
      readonly amplitude: number;
      readonly noise: number;
      readonly min: number;
      readonly max: number;
      readonly decimals: number;
    }
  /** 0 most of the time, 1 with `probability` per minute (overload events). */
  | { readonly kind: 'rareEvent'; readonly probability: number }
  /** Slowly growing level (capacity), `growthPerDay` as a fraction of `base`. */
  | { readonly kind: 'growing'; readonly base: number; readonly growthPerDay: number; readonly noise: number }
  /** A flat level per value of the metric's dimension (e.g. blob count per tier); the unsplit series sums them. */
  | { readonly kind: 'levels'; readonly levels: Readonly<Record<string, number>> };

/** A dimension a metric can be split by, with the values the sandbox reports for it. */
export interface MetricDimensionSpec {
  readonly name: string;
  readonly localizedName: string;
  readonly values: readonly string[];
}

export interface MetricSpec {
  readonly name: string;
  readonly localizedName: string;
  readonly description: string;
  readonly unit: 'Percent' | 'Bytes' | 'Count' | 'BytesPerSecond' | 'Milliseconds';
  readonly metricClass: 'Saturation' | 'Transactions' | 'Errors' | 'Latency' | 'Availability';
  readonly primaryAggregation: Aggregation;
  readonly supportedAggregations: readonly Aggregation[];
  readonly shape: MetricShape;
  /** Dimensions the metric can be split by with `$filter` (none: it cannot be split). */
  readonly dimensions?: readonly MetricDimensionSpec[];
  /** Time grains the metric supports (Storage capacity metrics are hourly only); default: all. */
  readonly timeGrains?: readonly string[];
}

const GIB = 1024 ** 3;
const BLOB_TIER: MetricDimensionSpec = {
  name: 'Tier',
  localizedName: 'Blob tier',
  values: ['Hot', 'Standard', 'Cool', 'Archive', 'Untiered'],
};
const ALL: readonly Aggregation[] = ['Average', 'Minimum', 'Maximum', 'Total', 'Count'];
const AVERAGE_MIN_MAX: readonly Aggregation[] = ['Average', 'Minimum', 'Maximum'];

/**
 * The metric definitions the sandbox publishes per resource type (lower-case keys). Types
 * without an entry, or with an empty list (Fabric capacities), publish no metrics.
 * One literal per metric on purpose: each entry is Azure's own definition (name, localized name,
 * description, unit, aggregations, as Metric Definitions - List returns them) plus its generator
 * shape, so each can be compared with Azure's published list; the entries repeat a shape, not logic.
 */
export const METRIC_CATALOG: Readonly<Record<string, readonly MetricSpec[]>> = {
  'microsoft.compute/virtualmachines': [
    {
      name: 'Percentage CPU',
      localizedName: 'Percentage CPU',
      description: 'The percentage of allocated compute units that are currently in use by the Virtual Machine(s)',
      unit: 'Percent',
      metricClass: 'Saturation',
      primaryAggregation: 'Average',
      supportedAggregations: ALL,
      shape: { kind: 'diurnal', base: 35, amplitude: 25, noise: 12, min: 5, max: 90, decimals: 3 },
    },
    {
      name: 'Available Memory Bytes',
      localizedName: 'Available Memory Bytes (Preview)',
      description:
        'Amount of physical memory, in bytes, immediately available for allocation to a process or for system use in the Virtual Machine',
      unit: 'Bytes',
      metricClass: 'Saturation',
      primaryAggregation: 'Average',
      supportedAggregations: ALL,
      shape: {
        kind: 'diurnal',
        base: 4.5 * GIB,
        amplitude: -1.5 * GIB,
        noise: 0.3 * GIB,
        min: 0.5 * GIB,
        max: 8 * GIB,
        decimals: 0,
      },
    },
    {
      name: 'Network In Total',
      localizedName: 'Network In Total',
      description:
        'The number of bytes received on all network interfaces by the Virtual Machine(s) (Incoming Traffic)',
      unit: 'Bytes',
      metricClass: 'Transactions',
      primaryAggregation: 'Total',
      supportedAggregations: ALL,
      shape: { kind: 'diurnal', base: 8e6, amplitude: 6e6, noise: 3e6, min: 1e5, max: 5e7, decimals: 0 },
    },
    {
      name: 'Network Out Total',
      localizedName: 'Network Out Total',
      description: 'The number of bytes out on all network interfaces by the Virtual Machine(s) (Outgoing Traffic)',
      unit: 'Bytes',
      metricClass: 'Transactions',
      primaryAggregation: 'Total',
      supportedAggregations: ALL,
      shape: { kind: 'diurnal', base: 5e6, amplitude: 4e6, noise: 2e6, min: 1e5, max: 5e7, decimals: 0 },
    },
  ],
  'microsoft.powerbidedicated/capacities': [
    {
      name: 'cpu_metric',
      localizedName: 'CPU (Gen2)',
      description: 'CPU Utilization. Supported only for Power BI Embedded Generation 2 resources.',
      unit: 'Percent',
      metricClass: 'Saturation',
      primaryAggregation: 'Average',
      supportedAggregations: AVERAGE_MIN_MAX,
      shape: { kind: 'diurnal', base: 45, amplitude: 30, noise: 15, min: 0, max: 100, decimals: 2 },
    },
    {
      name: 'overload_metric',
      localizedName: 'Overload (Gen2)',
      description:
        'Resource Overload, 1 if resource is overloaded, otherwise 0. Supported only for Power BI Embedded Generation 2 resources.',
      unit: 'Count',
      metricClass: 'Errors',
      primaryAggregation: 'Average',
      supportedAggregations: AVERAGE_MIN_MAX,
      shape: { kind: 'rareEvent', probability: 0.02 },
    },
    {
      name: 'cpu_workload_metric',
      localizedName: 'CPU Per Workload (Gen2)',
      description: 'CPU Utilization Per Workload. Supported only for Power BI Embedded Generation 2 resources.',
      unit: 'Percent',
      metricClass: 'Saturation',
      primaryAggregation: 'Average',
      supportedAggregations: AVERAGE_MIN_MAX,
      shape: { kind: 'diurnal', base: 20, amplitude: 15, noise: 8, min: 0, max: 100, decimals: 2 },
    },
  ],
  'microsoft.storage/storageaccounts': [
    {
      name: 'UsedCapacity',
      localizedName: 'Used capacity',
      description:
        'The amount of storage used by the storage account. For standard storage accounts, it\u2019s the sum of capacity used by blob, table, file, and queue.',
      unit: 'Bytes',
      metricClass: 'Saturation',
      primaryAggregation: 'Average',
      supportedAggregations: ['Average'],
      shape: { kind: 'growing', base: 250 * GIB, growthPerDay: 0.004, noise: 0.0005 },
    },
    {
      name: 'Transactions',
      localizedName: 'Transactions',
      description: 'The number of requests made to a storage service or the specified API operation.',
      unit: 'Count',
      metricClass: 'Transactions',
      primaryAggregation: 'Total',
      supportedAggregations: ['Total'],
      shape: { kind: 'diurnal', base: 1200, amplitude: 900, noise: 300, min: 0, max: 1e6, decimals: 0 },
    },
    {
      name: 'Availability',
      localizedName: 'Availability',
      description: 'The percentage of availability for the storage service or the specified API operation.',
      unit: 'Percent',
      metricClass: 'Availability',
      primaryAggregation: 'Average',
      supportedAggregations: AVERAGE_MIN_MAX,
      shape: { kind: 'diurnal', base: 99.99, amplitude: 0, noise: 0.02, min: 99.9, max: 100, decimals: 3 },
    },
  ],
  // Storage's capacity metrics, split by blob tier, as in the Metrics_List example GetMetric.json
  // (azure-rest-api-specs, Microsoft.Insights 2024-02-01): BlobCount Hot 7 / Standard 2, the other tiers 0,
  // BlobCapacity Standard 621492 / Hot 4733; hourly grain only (the example asks PT6H and gets PT1H).
  'microsoft.storage/storageaccounts/blobservices': [
    {
      name: 'BlobCount',
      localizedName: 'Blob Count',
      description: 'The number of blob objects stored in the storage account.',
      unit: 'Count',
      metricClass: 'Saturation',
      primaryAggregation: 'Average',
      supportedAggregations: AVERAGE_MIN_MAX,
      shape: { kind: 'levels', levels: { Hot: 7, Standard: 2, Cool: 0, Archive: 0, Untiered: 0 } },
      dimensions: [BLOB_TIER],
      timeGrains: ['PT1H'],
    },
    {
      name: 'BlobCapacity',
      localizedName: 'Blob Capacity',
      description: 'The amount of storage used by the storage account\u2019s Blob service in bytes.',
      unit: 'Bytes',
      metricClass: 'Saturation',
      primaryAggregation: 'Average',
      supportedAggregations: AVERAGE_MIN_MAX,
      shape: { kind: 'levels', levels: { Standard: 621492, Hot: 4733, Archive: 0, Untiered: 0, Cool: 0 } },
      dimensions: [BLOB_TIER],
      timeGrains: ['PT1H'],
    },
  ],
  'microsoft.fabric/capacities': [],
};

/** The metric definitions of a resource type (empty when it publishes none). */
export function findMetricSpecs(resourceType: string): readonly MetricSpec[] {
  return METRIC_CATALOG[resourceType.toLowerCase()] ?? [];
}
