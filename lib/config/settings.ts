import { METRIC_SOURCES } from './metric-sources';

/**
 * The catalogue of every app setting the product reads. It is the single source for
 * the config loader, the README settings table and the infra drift test, so the three
 * cannot disagree.
 */
export interface SettingSpec {
  /** App setting / environment variable name. */
  readonly name: string;
  /** Value used when the setting is absent; `undefined` means "required" or "optional, no default". */
  readonly default?: string;
  /** True when the app refuses to start without it. */
  readonly required: boolean;
  /** One line for the README table. */
  readonly description: string;
  /** Who sets it in Azure: the platform (host/runtime), our Bicep, or nobody (local only). */
  readonly setBy: 'platform' | 'infra' | 'local';
}

export const SETTINGS = [
  {
    name: 'AzureWebJobsStorage',
    required: false,
    description:
      'Host storage as a connection string (local/Azurite; http endpoints are accepted on loopback addresses, any port). In Azure use the identity-based `AzureWebJobsStorage__*` form instead.',
    setBy: 'local',
  },
  {
    name: 'AzureWebJobsStorage__blobServiceUri',
    required: false,
    description: 'Identity-based host storage: Blob endpoint (used when no connection string is set).',
    setBy: 'infra',
  },
  {
    name: 'AzureWebJobsStorage__queueServiceUri',
    required: false,
    description: 'Identity-based host storage: Queue endpoint.',
    setBy: 'infra',
  },
  {
    name: 'AzureWebJobsStorage__tableServiceUri',
    required: false,
    description: 'Identity-based host storage: Table endpoint.',
    setBy: 'infra',
  },
  {
    name: 'AzureWebJobsStorage__credential',
    required: false,
    description: 'Identity-based host storage: `managedidentity`.',
    setBy: 'infra',
  },
  {
    name: 'AzureWebJobsStorage__clientId',
    required: false,
    description: 'Identity-based host storage: client ID of the user-assigned identity that reaches storage.',
    setBy: 'infra',
  },
  {
    name: 'KEY_VAULT_URL',
    required: true,
    description: "The provider's Key Vault that holds customer secrets, e.g. `https://kv-ctc.vault.azure.net`.",
    setBy: 'infra',
  },
  {
    name: 'MANAGED_IDENTITY_CLIENT_ID',
    required: false,
    description:
      "Client ID of the app's user-assigned managed identity (reads Key Vault and storage). Empty: system-assigned.",
    setBy: 'infra',
  },
  {
    name: 'APP_IDENTITY',
    default: 'managedIdentity',
    required: false,
    description:
      'Who the app is towards its own Key Vault and storage: `managedIdentity` (Azure), or `azureCli` to run the local host against real Azure with your `az login`.',
    setBy: 'local',
  },
  {
    name: 'COLLECT_SCHEDULE',
    default: '0 0 * * * *',
    required: false,
    description: 'NCRONTAB (6 fields) of the fan-out timer. Each run collects the window that just closed.',
    setBy: 'infra',
  },
  {
    name: 'CUSTOMER_CACHE_SIZE',
    default: '200',
    required: false,
    description:
      'Customers whose credentials (with their token caches and ARM clients, ~60-100 KB each), secrets and metrics-access records one worker process keeps in memory; beyond it the least recently used are dropped and rebuilt on their next run, so memory stays flat however many customers the process collects.',
    setBy: 'infra',
  },
  {
    name: 'HEALTH_SWEEP_SCHEDULE',
    default: '0 30 * * * *',
    required: false,
    description:
      "NCRONTAB (6 fields) of the health sweep, which re-evaluates every enabled customer so one whose runs stopped turns `stale`. Its own timer, off the fan-out's path; half past the hour, when the hour's workers are done.",
    setBy: 'infra',
  },
  {
    name: 'AUTHORITY_HOST',
    default: 'https://login.microsoftonline.com',
    required: false,
    description: 'Entra ID authority host used to get tokens in customer tenants (sovereign clouds differ).',
    setBy: 'infra',
  },
  {
    name: 'ARM_ENDPOINT',
    default: 'https://management.azure.com',
    required: false,
    description: 'Azure Resource Manager endpoint: resource state and per-resource metrics.',
    setBy: 'infra',
  },
  {
    name: 'ARM_AUDIENCE',
    default: 'https://management.azure.com',
    required: false,
    description: 'Token audience for ARM (`/.default` is appended). Differs from the endpoint in sovereign clouds.',
    setBy: 'infra',
  },
  {
    name: 'HTTP_TIMEOUT_SECONDS',
    default: '30',
    required: false,
    description: 'Per-call timeout for requests into a customer tenant; a timed-out call counts as transient.',
    setBy: 'infra',
  },
  {
    name: 'CUSTOMER_CONCURRENCY',
    default: '4',
    required: false,
    description: 'How many resources of one customer are read in parallel by the worker and the test run.',
    setBy: 'infra',
  },
  {
    name: 'AUDIT_RETENTION_DAYS',
    default: '90',
    required: false,
    description:
      "Days the access audit (every call into a customer's tenant) is kept; older entries are deleted by each customer's first run of the UTC day.",
    setBy: 'infra',
  },
  {
    name: 'DISCOVERY_CACHE_HOURS',
    default: '24',
    required: false,
    description:
      "Hours a customer's discovered resource list (Azure Resource Graph) is reused before it is queried again; a customer's `discovery.cacheHours` overrides it.",
    setBy: 'infra',
  },
  {
    name: 'SERVICE_HOST_SUFFIXES',
    default:
      'blob.core.windows.net,dfs.core.windows.net,ingest.monitor.azure.com,api.powerbi.com,api.fabric.microsoft.com',
    required: false,
    description:
      "Comma-separated DNS suffixes of the cloud's service hosts: every URL a customer record carries (e.g. a delivery target) must be a subdomain of one, so a customer's token never goes anywhere else.",
    setBy: 'infra',
  },
  {
    name: 'LOCAL_SERVICE_HOSTS',
    required: false,
    description:
      'Local mode only: exact loopback `host:port` values of the sandbox cloud that customer URLs may also name (set by `npm start` and the tests; never in Azure).',
    setBy: 'local',
  },
  {
    name: 'WEBSITE_AUTH_ENABLED',
    required: false,
    description:
      'Set to `True` by App Service when Authentication (Easy Auth) is on. Only then are operator routes served: they trust the `X-MS-CLIENT-PRINCIPAL` header it sets (the local host plays Easy Auth and sets it too); otherwise every operator request gets 401.',
    setBy: 'platform',
  },
  {
    name: 'METRICS_RETENTION_DAYS',
    default: '93',
    required: false,
    description:
      'How far back a window can be collected (Azure Monitor keeps platform metrics 93 days): older queue messages are dropped, gap healing and backfill stop there.',
    setBy: 'infra',
  },
  {
    name: 'BACKFILL_WINDOWS_PER_RUN',
    default: '12',
    required: false,
    description:
      'Missed windows of one customer queued again per scheduled run once it recovers (oldest first), so a recovering customer never crowds out the others.',
    setBy: 'infra',
  },
  {
    name: 'STORAGE_AUDIENCE',
    default: 'https://storage.azure.com',
    required: false,
    description:
      "Token audience for Azure Storage (`/.default` is appended): the customer's delivery storage. Set it for sovereign clouds.",
    setBy: 'infra',
  },
  {
    name: 'TOKEN_EXCHANGE_AUDIENCE',
    default: 'api://AzureADTokenExchange',
    required: false,
    description:
      'Audience of the managed identity token used as a federated client assertion (sovereign clouds: e.g. `api://AzureADTokenExchangeUSGov`, `api://AzureADTokenExchangeChina`).',
    setBy: 'infra',
  },
  // ----- Fabric capacity utilization (lib/fabric) -----
  {
    name: 'POWER_BI_API_URL',
    default: 'https://api.powerbi.com',
    required: false,
    description:
      "Power BI REST endpoint: the Capacity Metrics app's model is read with `executeQueries` (Fabric pull path).",
    setBy: 'infra',
  },
  {
    name: 'POWER_BI_AUDIENCE',
    default: 'https://analysis.windows.net/powerbi/api',
    required: false,
    description: 'Token audience for Power BI REST (`/.default` is appended), requested in the customer tenant.',
    setBy: 'infra',
  },
  {
    name: 'FABRIC_API_URL',
    default: 'https://api.fabric.microsoft.com',
    required: false,
    description: 'Fabric REST endpoint: `GET /v1/capacities` maps ARM capacities to the ids the model uses.',
    setBy: 'infra',
  },
  {
    name: 'FABRIC_AUDIENCE',
    default: 'https://api.fabric.microsoft.com',
    required: false,
    description: 'Token audience for Fabric REST (`/.default` is appended).',
    setBy: 'infra',
  },
  {
    name: 'SETTLE_READ_ENABLED',
    default: 'true',
    required: false,
    description:
      "`true`: when a run stored provisional points (read before the source's ingestion delay had passed), the worker queues one delayed follow-up read of that window's metrics, visible once the delay is over, so an on-time window ends final without waiting for the next run's look-back. `false`: the look-back alone settles them, an hour later.",
    setBy: 'infra',
  },
  // One look-back setting per metric source (lib/config/metric-sources.ts).
  ...METRIC_SOURCES.map((source) => ({
    name: source.lookBackSetting,
    default: String(source.defaultLookBackMinutes),
    required: false,
    description: `Minutes before each window that a run also re-reads from ${source.label}, so buckets that were late or partly filled are completed (0: off; else at least the source's ${source.ingestionDelayMinutes}-minute ingestion delay).`,
    setBy: 'infra' as const,
  })),
  // ----- analytics export (Logs Ingestion API) -----
  {
    name: 'LOGS_INGESTION_ENDPOINT',
    required: false,
    description:
      'Data collection endpoint that receives the analytics export (datapoints, runs, health changes), e.g. `https://dce-ctc-x.westeurope-1.ingest.monitor.azure.com`. Empty: no export.',
    setBy: 'infra',
  },
  {
    name: 'LOGS_INGESTION_RULE_ID',
    required: false,
    description: 'Immutable id (`dcr-…`) of the data collection rule; required with `LOGS_INGESTION_ENDPOINT`.',
    setBy: 'infra',
  },
  {
    name: 'LOGS_METRICS_STREAM',
    default: 'Custom-CtcMetrics',
    required: false,
    description: 'Stream of the rule that feeds the `CtcMetrics_CL` table (one row per datapoint).',
    setBy: 'infra',
  },
  {
    name: 'LOGS_RUNS_STREAM',
    default: 'Custom-CtcRuns',
    required: false,
    description: 'Stream of the rule that feeds the `CtcRuns_CL` table (one row per run attempt of a customer).',
    setBy: 'infra',
  },
  {
    name: 'LOGS_HEALTH_STREAM',
    default: 'Custom-CtcHealth',
    required: false,
    description: 'Stream of the rule that feeds the `CtcHealth_CL` table (one row per health change).',
    setBy: 'infra',
  },
  {
    name: 'METRICS_MODE',
    default: 'auto',
    required: false,
    description:
      '`auto`: metrics through the batch API (`metrics:getBatch`, 50 resources per call), per resource for customers whose principal the batch API refuses (re-probed every `METRICS_BATCH_REPROBE_HOURS`); `perResource`: never batch.',
    setBy: 'infra',
  },
  {
    name: 'METRICS_BATCH_ENDPOINT',
    default: 'https://{region}.metrics.monitor.azure.com',
    required: false,
    description:
      "Metrics batch API host; `{region}` becomes the resources' region. Sovereign clouds differ (e.g. `https://{region}.metrics.monitor.azure.cn`).",
    setBy: 'infra',
  },
  {
    name: 'METRICS_BATCH_AUDIENCE',
    default: 'https://management.azure.com',
    required: false,
    description:
      "Token audience for the metrics batch API (`/.default` is appended). ARM's (the SDK's default) lets one token per customer serve ARM and batch; `https://metrics.monitor.azure.com` also works, at one more token per customer.",
    setBy: 'infra',
  },
  {
    name: 'METRICS_BATCH_REPROBE_HOURS',
    default: '24',
    required: false,
    description:
      'Hours after which a customer whose principal the batch API refused (no role at subscription scope) is tried in batch again.',
    setBy: 'infra',
  },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]['name'];
