import { AzureCliCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AppConfig } from '../config/load-config';
import { CustomerCredentials } from '../auth/customer-credentials';
import { CustomerSecretReader } from '../auth/customer-secret-reader';
import { CustomerRegistry } from '../customers/customer-registry';
import { ArmClientFactory } from '../resources/arm-clients';
import { CustomerStatusStore } from '../store/customer-status-store';
import { MetricsTable } from '../store/metrics-table';
import { RunStore } from '../store/run-store';
import { CoverageStore } from '../store/coverage-store';
import { SnapshotStore } from '../store/snapshot-store';
import { SnapshotDelivery } from '../delivery/snapshot-delivery';
import type { CollectDependencies } from '../collect/collect-customer';
import { AuditStore } from '../audit/audit-store';
import { OperatorAuditStore } from '../audit/operator-audit-store';
import { auditPolicyEntry } from '../audit/create-audit-policy';
import { CustomerHealthStore } from '../health/customer-health-store';
import { DiscoveryStore } from '../discovery/discovery-store';
import { MetricsAccessStore } from '../metrics/metrics-access-store';
import { ResourceDiscovery } from '../discovery/resource-discovery';
import { CapacityEventStore } from '../fabric/capacity-event-store';
import { FabricCollector } from '../fabric/collect-fabric-capacities';
import { FabricModelStore } from '../fabric/fabric-model-store';
import { IngestKeyStore } from '../fabric/ingest-key-store';
import { createLogsExport } from '../export/create-logs-export';
import { SummaryStore } from '../summary/summary-store';
import type { LogsExport } from '../export/logs-export';
import { DelayedCollectQueue } from '../settle/settle-queue';
import {
  COLLECT_QUEUE,
  AUDIT_TABLE,
  CUSTOMER_HEALTH_TABLE,
  CUSTOMERS_TABLE,
  CUSTOMER_STATUS_TABLE,
  DISCOVERY_TABLE,
  EXPORT_PENDING_TABLE,
  FABRIC_TABLE,
  METRICS_TABLE,
  OPERATOR_AUDIT_TABLE,
  RUNS_TABLE,
  SNAPSHOTS_CONTAINER,
  SUMMARIES_TABLE,
} from './storage-names';

/** Everything the handlers need, built once per process from the config. */
export interface Services extends CollectDependencies {
  readonly config: AppConfig;
  /** The app's own managed identity (home tenant): Key Vault and, in Azure, storage. */
  readonly appIdentity: TokenCredential;
  readonly secretClient: SecretClient;
  /** Progress of collection runs (written by the worker and the on-demand collect endpoint). */
  readonly runs: RunStore;
  /** Which windows each customer has (collected, missed, queued again): drives gap healing. */
  readonly coverage: CoverageStore;
  /** Health per customer (state machine + secret expiry), updated after every run. */
  readonly health: CustomerHealthStore;
  /** Every call made into a customer's tenant. */
  readonly audit: AuditStore;
  /** Every admin action through the HTTP API (who, what, which customer, when, outcome). */
  readonly operatorAudit: OperatorAuditStore;
  /** Pushed Fabric capacity events, per customer (read back by the collect run). */
  readonly capacityEvents: CapacityEventStore;
  /** Hashes of the per-customer ingest keys of the Fabric event push endpoint. */
  readonly ingestKeys: IngestKeyStore;
  /** The analytics export (Logs Ingestion API), when configured. */
  readonly analytics?: LogsExport;
  /** The worker's own queue, for messages that must wait (settle reads): output bindings cannot delay. */
  readonly settleQueue: DelayedCollectQueue;
  /** Creates tables and the snapshot container if missing; idempotent, runs once per process. */
  ensureStorage(): Promise<void>;
}

/**
 * The composition root: one credential, one client per service, one instance of each store.
 * Nothing here does I/O; `ensureStorage` is the only call that touches the network.
 */
export function createServices(config: AppConfig, now: () => Date = () => new Date()): Services {
  const appIdentity = createAppIdentity(config);
  const storage = config.storage;
  // One credential for every storage client: each credential instance has its own token cache.
  const storageIdentity = storageCredential(config, appIdentity);
  const table = (name: string): TableClient =>
    storage.kind === 'connectionString'
      ? TableClient.fromConnectionString(storage.connectionString, name, {
          // Blob and queue clients accept http by themselves; the table client must be told (Azurite on loopback).
          allowInsecureConnection: storage.insecureLoopback === true,
        })
      : new TableClient(`${storage.tableServiceUri.replace(/\/+$/, '')}`, name, storageIdentity);
  const container: ContainerClient = (
    storage.kind === 'connectionString'
      ? BlobServiceClient.fromConnectionString(storage.connectionString)
      : new BlobServiceClient(storage.blobServiceUri, storageIdentity)
  ).getContainerClient(SNAPSHOTS_CONTAINER);
  const collectQueue: QueueClient =
    storage.kind === 'connectionString'
      ? QueueServiceClient.fromConnectionString(storage.connectionString).getQueueClient(COLLECT_QUEUE)
      : new QueueClient(`${storage.queueServiceUri.replace(/\/+$/, '')}/${COLLECT_QUEUE}`, storageIdentity);

  const customersTable = table(CUSTOMERS_TABLE);
  const statusTable = table(CUSTOMER_STATUS_TABLE);
  const metricsTable = table(METRICS_TABLE);
  const runsTable = table(RUNS_TABLE);
  const healthTable = table(CUSTOMER_HEALTH_TABLE);
  const auditTable = table(AUDIT_TABLE);
  const discoveryTable = table(DISCOVERY_TABLE);
  const operatorAuditTable = table(OPERATOR_AUDIT_TABLE);
  const fabricTable = table(FABRIC_TABLE);
  const capacityEvents = new CapacityEventStore(fabricTable);
  const pendingExportTable = table(EXPORT_PENDING_TABLE);
  const metricsStore = new MetricsTable(metricsTable);
  const summariesTable = table(SUMMARIES_TABLE);
  const secretClient = new SecretClient(config.keyVaultUrl, appIdentity, {
    // Outside *.vault.azure.net (sovereign clouds, the local sandbox) the challenge's resource differs.
    disableChallengeResourceVerification: !isPublicCloudVault(config.keyVaultUrl),
  });

  let ensured: Promise<void> | undefined;
  return {
    config,
    appIdentity,
    secretClient,
    registry: new CustomerRegistry(customersTable),
    // Per-customer state in process is bounded (CUSTOMER_CACHE_SIZE): memory does not grow with the fleet.
    secrets: new CustomerSecretReader(secretClient, undefined, undefined, config.customerCacheSize),
    // Both carry the audit policy: every call into a customer's tenant (token, ARM) is recorded.
    credentials: new CustomerCredentials(
      config.authorityHost,
      appIdentity,
      [auditPolicyEntry()],
      config.tokenExchangeScope,
      config.customerCacheSize,
    ),
    armClients: new ArmClientFactory(config.armEndpoint, config.armScope, [auditPolicyEntry()], config.metricsBatch),
    metricsAccess: new MetricsAccessStore(statusTable, config.customerCacheSize),
    metricsTable: metricsStore,
    summaries: new SummaryStore(summariesTable, metricsStore, now),
    snapshots: new SnapshotStore(container),
    delivery: new SnapshotDelivery({
      httpTimeoutMs: config.httpTimeoutMs,
      additionalPolicies: [auditPolicyEntry()],
      storageScope: config.storageScope,
      allowedHosts: config.serviceHosts,
    }),
    statuses: new CustomerStatusStore(statusTable),
    runs: new RunStore(runsTable, now),
    coverage: new CoverageStore(runsTable),
    health: new CustomerHealthStore(healthTable),
    audit: new AuditStore(auditTable),
    operatorAudit: new OperatorAuditStore(operatorAuditTable),
    discovery: new ResourceDiscovery(new DiscoveryStore(discoveryTable), {
      armEndpoint: config.armEndpoint,
      cacheHours: config.discoveryCacheHours,
      now,
    }),
    capacityEvents,
    settleQueue: new DelayedCollectQueue(collectQueue),
    ingestKeys: new IngestKeyStore(fabricTable, now),
    fabric: new FabricCollector({
      endpoints: config.fabric,
      models: new FabricModelStore(fabricTable),
      events: capacityEvents,
      timing: config.metricSources.fabricCapacity,
      cacheHours: config.discoveryCacheHours,
      additionalPolicies: [auditPolicyEntry()],
      now,
      maxCachedCustomers: config.customerCacheSize,
    }),
    settings: {
      authorityHost: config.authorityHost,
      armScope: config.armScope,
      keyVaultUrl: config.keyVaultUrl,
      httpTimeoutMs: config.httpTimeoutMs,
      customerConcurrency: config.customerConcurrency,
      metricSources: config.metricSources,
      armEndpoint: config.armEndpoint,
      metricsMode: config.metricsMode,
      metricsBatchReprobeHours: config.metricsBatchReprobeHours,
    },
    now,
    // Optional per deployment: only with LOGS_INGESTION_ENDPOINT set.
    ...(config.logsExport
      ? { analytics: createLogsExport(config.logsExport, appIdentity, pendingExportTable, metricsStore, config, now) }
      : {}),
    ensureStorage() {
      ensured ??= Promise.all([
        customersTable.createTable(),
        statusTable.createTable(),
        metricsTable.createTable(),
        runsTable.createTable(),
        healthTable.createTable(),
        auditTable.createTable(),
        discoveryTable.createTable(),
        operatorAuditTable.createTable(),
        fabricTable.createTable(),
        summariesTable.createTable(),
        ...(config.logsExport ? [pendingExportTable.createTable()] : []),
        container.createIfNotExists(),
      ]).then(
        () => undefined,
        (error: unknown) => {
          ensured = undefined; // let the next call try again
          throw error;
        },
      );
      return ensured;
    },
  };
}

/** The app's own identity (home tenant): the managed identity in Azure, `az login` on a dev machine. */
function createAppIdentity(config: AppConfig): TokenCredential {
  if (config.appIdentity === 'azureCli') return new AzureCliCredential();
  return config.managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: config.managedIdentityClientId })
    : new ManagedIdentityCredential();
}

function storageCredential(config: AppConfig, appIdentity: TokenCredential): TokenCredential {
  const storage = config.storage;
  if (
    config.appIdentity === 'managedIdentity' &&
    storage.kind === 'identity' &&
    storage.clientId &&
    storage.clientId !== config.managedIdentityClientId
  ) {
    return new ManagedIdentityCredential({ clientId: storage.clientId });
  }
  return appIdentity;
}

function isPublicCloudVault(url: string): boolean {
  return new URL(url).hostname.endsWith('.vault.azure.net');
}
