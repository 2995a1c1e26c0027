import type { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import type { LogsExportConfig } from '../config/load-config';
import type { MetricsTable } from '../store/metrics-table';
import { LogsExport } from './logs-export';
import { PendingExportStore } from './pending-export-store';

/**
 * The export with the app's own identity. The client asks for `https://monitor.azure.com/.default`
 * (its `KnownMonitorAudience.AzurePublicCloud` default; the REST docs write the resource as
 * `https://monitor.azure.com//.default`, which Entra treats the same), so the identity needs
 * Monitoring Metrics Publisher on the rule, nothing else.
 */
export function createLogsExport(
  config: LogsExportConfig,
  appIdentity: TokenCredential,
  pendingTable: TableClient,
  metricsTable: Pick<MetricsTable, 'query'>,
  settings: { readonly httpTimeoutMs: number },
  now: () => Date,
): LogsExport {
  return new LogsExport({
    client: new LogsIngestionClient(config.endpoint, appIdentity),
    config,
    pending: new PendingExportStore(pendingTable),
    metricsTable,
    httpTimeoutMs: settings.httpTimeoutMs,
    now,
  });
}
