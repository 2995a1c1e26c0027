import { AppError } from '../errors/app-error';
import { readStorageEndpoints } from './read-storage-endpoints';
import type { ServiceHostAllowList } from '../trust/service-host-allow-list';
import { METRIC_SOURCES, type MetricSourceId, type MetricSourceTiming } from './metric-sources';
import { SETTINGS, type SettingName } from './settings';

/** How the app reaches its own storage account (tables, queues, blobs). */
export type StorageConnection =
  | {
      readonly kind: 'connectionString';
      readonly connectionString: string;
      /** An endpoint is plain http on loopback (Azurite on any port): table clients must be told to allow it. */
      readonly insecureLoopback?: boolean;
    }
  | {
      readonly kind: 'identity';
      readonly blobServiceUri: string;
      readonly queueServiceUri: string;
      readonly tableServiceUri: string;
      readonly clientId?: string;
    };

export interface AppConfig {
  readonly storage: StorageConnection;
  readonly keyVaultUrl: string;
  readonly managedIdentityClientId?: string;
  /** `managedIdentity` in Azure; `azureCli` for a developer running the host against real Azure. */
  readonly appIdentity: 'managedIdentity' | 'azureCli';
  readonly collectSchedule: string;
  /** The health sweep's timer (its own function, so the fan-out never waits for it). */
  readonly healthSweepSchedule: string;
  /** Customers whose credentials, secrets and metrics-access records stay in memory (least recently used dropped). */
  readonly customerCacheSize: number;
  readonly authorityHost: string;
  readonly armEndpoint: string;
  /** Scope requested for ARM tokens, e.g. `https://management.azure.com/.default`. */
  readonly armScope: string;
  readonly httpTimeoutMs: number;
  readonly customerConcurrency: number;
  /** Days audit entries are kept. */
  readonly auditRetentionDays: number;
  /** Hours a discovered resource list is reused before Resource Graph is queried again. */
  readonly discoveryCacheHours: number;
  /**
   * True when App Service Authentication validates every operator request and sets X-MS-CLIENT-PRINCIPAL
   * (WEBSITE_AUTH_ENABLED=True, set by the platform). When false the header could be forged: operator routes refuse.
   */
  readonly operatorAuthEnabled: boolean;
  /** Days back a window can still be collected (Azure Monitor's retention). */
  readonly metricsRetentionDays: number;
  /** Missed windows of one customer re-queued per scheduled run once it recovers. */
  readonly backfillWindowsPerRun: number;
  /** Scope for Azure Storage tokens (delivery), e.g. `https://storage.azure.com/.default`. */
  readonly storageScope: string;
  /** Scope of the MI token used as federated client assertion, e.g. `api://AzureADTokenExchange/.default`. */
  readonly tokenExchangeScope: string;
  /** Power BI / Fabric REST endpoints and audiences (Fabric capacity utilization). */
  readonly fabric: {
    readonly powerBiUrl: string;
    readonly powerBiAudience: string;
    readonly fabricUrl: string;
    readonly fabricAudience: string;
  };
  /** Where customers' tokens may go: the cloud's service suffixes (+ the sandbox's loopback hosts locally). */
  readonly serviceHosts: ServiceHostAllowList;
  /** Look-back and ingestion delay of each metric source. */
  readonly metricSources: Readonly<Record<MetricSourceId, MetricSourceTiming>>;
  /** SETTLE_READ_ENABLED: a window read before its points settled gets one delayed follow-up read. */
  readonly settleReadEnabled: boolean;
  /** `auto` (batch API, per resource when refused) or `perResource`. */
  readonly metricsMode: 'auto' | 'perResource';
  /** Host template (`{region}`) and audience of the metrics batch API. */
  readonly metricsBatch: { readonly endpointTemplate: string; readonly audience: string };
  readonly metricsBatchReprobeHours: number;
  /** The analytics export through the Logs Ingestion API; absent when not configured. */
  readonly logsExport?: LogsExportConfig;
}

export interface LogsExportConfig {
  readonly endpoint: string;
  /** The data collection rule's immutable id, `dcr-` + 32 hex digits. */
  readonly ruleId: string;
  readonly streams: { readonly metrics: string; readonly runs: string; readonly health: string };
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates every setting at once and returns a frozen config. All problems
 * are reported together, so a misconfigured deployment is fixed in one pass.
 * This is the only reader of `process.env` in the product.
 */
export function loadConfig(env: Environment = process.env): AppConfig {
  const problems: string[] = [];
  const read = (name: SettingName): string | undefined => {
    const raw = env[name]?.trim();
    if (raw) return raw;
    const spec = SETTINGS.find((s) => s.name === name);
    return spec && 'default' in spec ? spec.default : undefined;
  };
  // The catalogue says what is required; settings with a default always have a value.
  for (const spec of SETTINGS) if (spec.required && !read(spec.name)) problems.push(`${spec.name} is required`);
  const value = (name: SettingName): string => read(name) ?? '';
  const httpsUrl = (name: SettingName, value: string): string => {
    if (!value) return value;
    try {
      const url = new URL(value);
      if (url.protocol !== 'https:') problems.push(`${name} must be an https URL (got ${url.protocol})`);
      return value.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} is not a URL: "${value}"`);
      return value;
    }
  };
  const positiveInt = (name: SettingName, max: number): number => {
    const value = read(name) ?? '';
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) {
      problems.push(`${name} must be a whole number from 1 to ${max} (got "${value}")`);
      return 1;
    }
    return parsed;
  };

  const storage = readStorage(read, problems);
  const keyVaultUrl = httpsUrl('KEY_VAULT_URL', value('KEY_VAULT_URL'));
  const ncrontab = (name: SettingName): string => {
    const schedule = value(name);
    if (schedule && schedule.split(/\s+/).length !== 6) {
      problems.push(`${name} must be a 6-field NCRONTAB expression (got "${schedule}")`);
    }
    return schedule;
  };
  const collectSchedule = ncrontab('COLLECT_SCHEDULE');
  const healthSweepSchedule = ncrontab('HEALTH_SWEEP_SCHEDULE');
  const authorityHost = httpsUrl('AUTHORITY_HOST', value('AUTHORITY_HOST'));
  const armEndpoint = httpsUrl('ARM_ENDPOINT', value('ARM_ENDPOINT'));
  const armAudience = httpsUrl('ARM_AUDIENCE', value('ARM_AUDIENCE'));
  const httpTimeoutMs = positiveInt('HTTP_TIMEOUT_SECONDS', 200) * 1000;
  const customerConcurrency = positiveInt('CUSTOMER_CONCURRENCY', 64);
  const customerCacheSize = positiveInt('CUSTOMER_CACHE_SIZE', 100_000);
  const auditRetentionDays = positiveInt('AUDIT_RETENTION_DAYS', 3650);
  const discoveryCacheHours = positiveInt('DISCOVERY_CACHE_HOURS', 720);
  const metricsRetentionDays = positiveInt('METRICS_RETENTION_DAYS', 3650);
  const backfillWindowsPerRun = positiveInt('BACKFILL_WINDOWS_PER_RUN', 1000);
  const storageAudience = httpsUrl('STORAGE_AUDIENCE', value('STORAGE_AUDIENCE'));
  const tokenExchangeAudience = audienceUri('TOKEN_EXCHANGE_AUDIENCE', value('TOKEN_EXCHANGE_AUDIENCE'), problems);
  const fabric = {
    powerBiUrl: httpsUrl('POWER_BI_API_URL', value('POWER_BI_API_URL')),
    powerBiAudience: httpsUrl('POWER_BI_AUDIENCE', value('POWER_BI_AUDIENCE')),
    fabricUrl: httpsUrl('FABRIC_API_URL', value('FABRIC_API_URL')),
    fabricAudience: httpsUrl('FABRIC_AUDIENCE', value('FABRIC_AUDIENCE')),
  };
  const metricSources = Object.fromEntries(
    METRIC_SOURCES.map((source) => {
      const text = read(source.lookBackSetting) ?? '';
      const minutes = Number(text);
      const delay = source.ingestionDelayMinutes;
      // Shorter than the delay would leave buckets provisional for good: the next run would never re-read them.
      if (!Number.isInteger(minutes) || minutes > 1440 || (minutes !== 0 && minutes < delay)) {
        problems.push(`${source.lookBackSetting} must be 0 or a whole number from ${delay} to 1440 (got "${text}")`);
      }
      return [source.id, { lookBackMs: minutes * 60_000, ingestionDelayMs: delay * 60_000 }];
    }),
  ) as Record<MetricSourceId, MetricSourceTiming>;
  const settleRead = value('SETTLE_READ_ENABLED').toLowerCase();
  if (settleRead !== 'true' && settleRead !== 'false') {
    problems.push(`SETTLE_READ_ENABLED must be true or false (got "${settleRead}")`);
  }
  const metricsMode = value('METRICS_MODE');
  if (metricsMode !== 'auto' && metricsMode !== 'perResource') {
    problems.push(`METRICS_MODE must be auto or perResource (got "${metricsMode}")`);
  }
  const metricsBatchEndpoint = value('METRICS_BATCH_ENDPOINT');
  if (!metricsBatchEndpoint.includes('{region}')) {
    problems.push(`METRICS_BATCH_ENDPOINT must contain {region} (got "${metricsBatchEndpoint}")`);
  } else {
    httpsUrl('METRICS_BATCH_ENDPOINT', metricsBatchEndpoint.replace('{region}', 'region'));
  }
  const metricsBatchAudience = httpsUrl('METRICS_BATCH_AUDIENCE', value('METRICS_BATCH_AUDIENCE'));
  const metricsBatchReprobeHours = positiveInt('METRICS_BATCH_REPROBE_HOURS', 720);
  const managedIdentityClientId = read('MANAGED_IDENTITY_CLIENT_ID');
  const appIdentity = read('APP_IDENTITY');
  if (appIdentity !== 'managedIdentity' && appIdentity !== 'azureCli') {
    problems.push(`APP_IDENTITY must be managedIdentity or azureCli (got "${appIdentity}")`);
  }

  const serviceHosts = readServiceHosts(read, problems);
  const logsExport = readLogsExport(read, httpsUrl, problems);

  if (problems.length > 0) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidConfiguration',
      message: `Invalid configuration:\n- ${problems.join('\n- ')}`,
      details: { problems },
    });
  }

  return Object.freeze({
    storage,
    keyVaultUrl,
    ...(managedIdentityClientId ? { managedIdentityClientId } : {}),
    appIdentity: appIdentity === 'azureCli' ? 'azureCli' : 'managedIdentity',
    collectSchedule,
    healthSweepSchedule,
    customerCacheSize,
    authorityHost,
    armEndpoint,
    armScope: `${armAudience}/.default`,
    httpTimeoutMs,
    customerConcurrency,
    auditRetentionDays,
    discoveryCacheHours,
    operatorAuthEnabled: read('WEBSITE_AUTH_ENABLED')?.toLowerCase() === 'true',
    metricsRetentionDays,
    backfillWindowsPerRun,
    storageScope: `${storageAudience}/.default`,
    tokenExchangeScope: `${tokenExchangeAudience}/.default`,
    fabric,
    serviceHosts,
    metricSources,
    settleReadEnabled: settleRead !== 'false',
    ...(logsExport ? { logsExport } : {}),
    metricsMode: metricsMode === 'perResource' ? 'perResource' : 'auto',
    metricsBatch: { endpointTemplate: metricsBatchEndpoint.replace(/\/+$/, ''), audience: metricsBatchAudience },
    metricsBatchReprobeHours,
  });
}

/** An audience is a URI (`api://…` or https); trailing slashes go, `/.default` is added by the caller. */
function audienceUri(name: SettingName, value: string, problems: string[]): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(value))
    problems.push(`${name} must be a URI such as api://AzureADTokenExchange (got "${value}")`);
  return value.replace(/\/+$/, '');
}

/** The export is on when an endpoint is set; then the rule id is required and streams must be custom ones. */
function readLogsExport(
  read: (name: SettingName) => string | undefined,
  httpsUrl: (name: SettingName, value: string) => string,
  problems: string[],
): LogsExportConfig | undefined {
  const endpoint = read('LOGS_INGESTION_ENDPOINT');
  const ruleId = read('LOGS_INGESTION_RULE_ID');
  if (!endpoint) {
    if (ruleId) problems.push('LOGS_INGESTION_RULE_ID is set but LOGS_INGESTION_ENDPOINT is not');
    return undefined;
  }
  if (!ruleId) problems.push('LOGS_INGESTION_RULE_ID is required when LOGS_INGESTION_ENDPOINT is set');
  else if (!/^dcr-[0-9a-f]{32}$/i.test(ruleId))
    problems.push(`LOGS_INGESTION_RULE_ID must be a rule's immutable id, dcr- and 32 hex digits (got "${ruleId}")`);
  const stream = (name: 'LOGS_METRICS_STREAM' | 'LOGS_RUNS_STREAM' | 'LOGS_HEALTH_STREAM'): string => {
    const value = read(name) ?? '';
    if (!/^Custom-[A-Za-z0-9_]{1,100}$/.test(value))
      problems.push(`${name} must name a custom stream, Custom-<name> (got "${value}")`);
    return value;
  };
  return {
    endpoint: httpsUrl('LOGS_INGESTION_ENDPOINT', endpoint),
    ruleId: ruleId ?? '',
    streams: {
      metrics: stream('LOGS_METRICS_STREAM'),
      runs: stream('LOGS_RUNS_STREAM'),
      health: stream('LOGS_HEALTH_STREAM'),
    },
  };
}

function readStorage(read: (name: SettingName) => string | undefined, problems: string[]): StorageConnection {
  const connectionString = read('AzureWebJobsStorage');
  if (connectionString) {
    const endpoints = readStorageEndpoints(connectionString);
    if (endpoints.problem) problems.push(endpoints.problem);
    return {
      kind: 'connectionString',
      connectionString,
      ...(endpoints.insecureLoopback ? { insecureLoopback: true } : {}),
    };
  }
  const blobServiceUri = read('AzureWebJobsStorage__blobServiceUri');
  const queueServiceUri = read('AzureWebJobsStorage__queueServiceUri');
  const tableServiceUri = read('AzureWebJobsStorage__tableServiceUri');
  if (!blobServiceUri || !queueServiceUri || !tableServiceUri) {
    problems.push(
      'Storage is not configured: set AzureWebJobsStorage (connection string) or all of ' +
        'AzureWebJobsStorage__blobServiceUri, __queueServiceUri and __tableServiceUri',
    );
    return { kind: 'connectionString', connectionString: '' };
  }
  const clientId = read('AzureWebJobsStorage__clientId');
  return { kind: 'identity', blobServiceUri, queueServiceUri, tableServiceUri, ...(clientId ? { clientId } : {}) };
}

const LOOPBACK_HOST = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d{1,5})?$/i;

function readServiceHosts(read: (name: SettingName) => string | undefined, problems: string[]): ServiceHostAllowList {
  const list = (name: SettingName): string[] =>
    (read(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const suffixes = list('SERVICE_HOST_SUFFIXES');
  if (suffixes.length === 0) problems.push('SERVICE_HOST_SUFFIXES must name at least one DNS suffix');
  for (const suffix of suffixes) {
    if (!/^\.?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(suffix)) {
      problems.push(`SERVICE_HOST_SUFFIXES: "${suffix}" is not a DNS suffix such as blob.core.windows.net`);
    }
  }
  const localHosts = list('LOCAL_SERVICE_HOSTS');
  // Only loopback: a setting that let tokens go to another machine would undo the allow-list.
  for (const host of localHosts) {
    if (!LOOPBACK_HOST.test(host)) problems.push(`LOCAL_SERVICE_HOSTS may name loopback hosts only (got "${host}")`);
  }
  return { suffixes, localHosts };
}
