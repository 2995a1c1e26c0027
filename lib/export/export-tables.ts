/**
 * The one source of truth for what the app sends to Log Analytics: each custom table, the data
 * collection rule stream that feeds it, and every column with its type. infra/modules/logs-export.bicep
 * declares the same tables and streams, and test/infra/logs-export-schema.test.ts keeps the two equal;
 * the row builders in this folder are typed against these lists, so a column cannot be sent that is
 * not declared here.
 *
 * Rules from "Logs Ingestion API in Azure Monitor" (learn.microsoft.com/azure/azure-monitor/logs/
 * logs-ingestion-api-overview, "Supported tables"): custom tables end in `_CL`; a column name starts
 * with a letter, has at most 45 letters, digits or underscores, and is none of `_ResourceId`, `id`,
 * `_SubscriptionId`, `TenantId`, `Type`, `UniqueId`, `Title`; `TimeGenerated` is required. A custom
 * stream is named `Custom-<name>` (data-collection-rule-structure, "Input streams").
 */

/** Column types a DCR stream declaration and a custom table both accept. */
export const COLUMN_TYPES = ['string', 'int', 'long', 'real', 'boolean', 'datetime', 'dynamic'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ExportColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

export interface ExportTable {
  /** Log Analytics table, e.g. `CtcMetrics_CL`. */
  readonly table: string;
  /** Default DCR input stream name (settings may rename it), e.g. `Custom-CtcMetrics`. */
  readonly stream: string;
  readonly columns: readonly ExportColumn[];
}

/** Names Log Analytics reserves for its own columns. */
export const RESERVED_COLUMN_NAMES = ['_ResourceId', 'id', '_SubscriptionId', 'TenantId', 'Type', 'UniqueId', 'Title'];

const attemptColumns = [
  { name: 'RunId', type: 'string', description: 'The collection run that produced the row.' },
  {
    name: 'Attempt',
    type: 'int',
    description:
      "Delivery attempt of the run (queue dequeue count); 0 for the run's settle read. Queries keep the newest row.",
  },
  {
    name: 'ExportedAt',
    type: 'datetime',
    description: 'When the app sent the row; ties between attempts go to the newest.',
  },
] as const satisfies readonly ExportColumn[];

// Every column is its own literal on purpose: these lists are the schema, mirrored column by column in
// logs-export.bicep, and their `as const` names and types are what RowOf builds the row types from. Only
// the attempt columns the metrics and runs tables both end with (attemptColumns) are shared.
/** Every collected datapoint: one row per resource, metric, dimension values and time grain slot. */
export const METRICS_TABLE = {
  table: 'CtcMetrics_CL',
  stream: 'Custom-CtcMetrics',
  columns: [
    { name: 'TimeGenerated', type: 'datetime', description: 'Start of the time grain slot (the datapoint timestamp).' },
    { name: 'CustomerId', type: 'string', description: 'Customer id in the collector registry.' },
    { name: 'ResourceId', type: 'string', description: 'Full ARM resource id in the customer tenant.' },
    {
      name: 'ResourceType',
      type: 'string',
      description: 'ARM resource type, lower case, e.g. microsoft.fabric/capacities.',
    },
    { name: 'Region', type: 'string', description: 'Azure region of the resource, when ARM reported one.' },
    { name: 'Metric', type: 'string', description: 'Metric name as configured (never the localized name).' },
    {
      name: 'Dimensions',
      type: 'dynamic',
      description: 'Dimension values of a split series, e.g. {"Tier":"Hot"}; {} when unsplit.',
    },
    { name: 'Interval', type: 'string', description: 'ISO 8601 time grain, e.g. PT5M.' },
    { name: 'Unit', type: 'string', description: 'Unit Azure reported, e.g. Percent.' },
    { name: 'Average', type: 'real', description: 'Average aggregate, when collected.' },
    { name: 'Minimum', type: 'real', description: 'Minimum aggregate, when collected.' },
    { name: 'Maximum', type: 'real', description: 'Maximum aggregate, when collected.' },
    { name: 'Total', type: 'real', description: 'Total aggregate, when collected.' },
    { name: 'Count', type: 'real', description: 'Count aggregate, when collected.' },
    {
      name: 'Provisional',
      type: 'boolean',
      description: 'True while the slot may still change (ingestion delay); a later row replaces it.',
    },
    ...attemptColumns,
  ],
} as const satisfies ExportTable;

/** Each worker attempt of one customer's part of a run. */
export const RUNS_TABLE = {
  table: 'CtcRuns_CL',
  stream: 'Custom-CtcRuns',
  columns: [
    { name: 'TimeGenerated', type: 'datetime', description: 'When the attempt ended.' },
    { name: 'CustomerId', type: 'string', description: 'Customer id in the collector registry.' },
    {
      name: 'Trigger',
      type: 'string',
      description: 'schedule, manual (ctc collect, the API) or backfill (gap healing, a requested range).',
    },
    { name: 'WindowStart', type: 'datetime', description: 'Start of the collected window.' },
    { name: 'WindowEnd', type: 'datetime', description: 'End of the collected window.' },
    { name: 'Outcome', type: 'string', description: 'succeeded, failed, skipped, or retrying (the host tries again).' },
    { name: 'DatapointsWritten', type: 'long', description: 'Datapoints stored by the attempt.' },
    { name: 'ResourcesTotal', type: 'int', description: 'Resources the attempt read.' },
    { name: 'ResourcesFailed', type: 'int', description: 'Resources that failed.' },
    {
      name: 'ErrorStage',
      type: 'string',
      description: 'Stage of the first failure: keyVault, token, arm, metrics, storage.',
    },
    { name: 'ErrorCode', type: 'string', description: 'Stable error code, e.g. AADSTS7000222 or AuthorizationFailed.' },
    { name: 'ErrorMessage', type: 'string', description: 'What failed, redacted (never a secret).' },
    {
      name: 'Calls',
      type: 'int',
      description: "Calls the attempt made into the customer's tenant (the access audit).",
    },
    { name: 'MetricsCalls', type: 'int', description: 'Of those, Azure Monitor metrics calls (the billed ones).' },
    {
      name: 'ThrottledCalls',
      type: 'int',
      description: 'Of those, answers that were throttling (429, or the metrics batch API 529).',
    },
    {
      name: 'MetricsCost',
      type: 'long',
      description:
        'The `cost` Azure reported on the metrics answers (Metrics_List carries one; metrics:getBatch answers do not).',
    },
    {
      name: 'HealthState',
      type: 'string',
      description: "The customer's health after the attempt (hourly, so alerts need not look back to the last change).",
    },
    {
      name: 'MustAct',
      type: 'string',
      description: 'Who must act when HealthState is actionRequired: customer or provider.',
    },
    {
      name: 'SecretExpiry',
      type: 'string',
      description: 'Secret-expiry level after the attempt: ok, warning, critical, none.',
    },
    { name: 'SecretExpiresOn', type: 'datetime', description: "When the customer's secret expires, if known." },
    ...attemptColumns,
  ],
} as const satisfies ExportTable;

/** Each change of a customer's health state or secret-expiry level. */
export const HEALTH_TABLE = {
  table: 'CtcHealth_CL',
  stream: 'Custom-CtcHealth',
  columns: [
    { name: 'TimeGenerated', type: 'datetime', description: 'When the change was seen.' },
    { name: 'CustomerId', type: 'string', description: 'Customer id in the collector registry.' },
    { name: 'OldState', type: 'string', description: 'State before the change.' },
    {
      name: 'NewState',
      type: 'string',
      description: 'State after the change: healthy, actionRequired, degraded, failing, stale or unknown.',
    },
    {
      name: 'MustAct',
      type: 'string',
      description: 'Who must act when the state is actionRequired: customer or provider.',
    },
    { name: 'Reason', type: 'string', description: 'Why, in a few words.' },
    { name: 'Code', type: 'string', description: 'Error or expiry code behind the state.' },
    { name: 'ConsecutiveFailures', type: 'int', description: 'Failed runs in a row.' },
    { name: 'SecretExpiry', type: 'string', description: 'ok, warning, critical or none.' },
    { name: 'SecretExpiresOn', type: 'datetime', description: "When the customer's secret expires, if known." },
    { name: 'DaysToExpiry', type: 'int', description: 'Whole days until the secret expires (negative once expired).' },
    { name: 'ExportedAt', type: 'datetime', description: 'When the app sent the row.' },
  ],
} as const satisfies ExportTable;

export const EXPORT_TABLES: readonly ExportTable[] = [METRICS_TABLE, RUNS_TABLE, HEALTH_TABLE];

type ColumnValue<T extends ColumnType> = T extends 'string'
  ? string
  : T extends 'int' | 'long' | 'real'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'datetime'
        ? string
        : Readonly<Record<string, unknown>>;

/** A row of `T`: every declared column may be present with its type, and nothing else. */
export type RowOf<T extends ExportTable> = {
  readonly [C in T['columns'][number] as C['name']]?: ColumnValue<C['type']>;
};

export type MetricRow = RowOf<typeof METRICS_TABLE>;
export type RunRow = RowOf<typeof RUNS_TABLE>;
export type HealthRow = RowOf<typeof HEALTH_TABLE>;
