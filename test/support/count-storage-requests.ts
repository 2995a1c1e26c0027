import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { Services } from '../../lib/app/create-services';
import {
  CUSTOMER_HEALTH_TABLE,
  CUSTOMERS_TABLE,
  CUSTOMER_STATUS_TABLE,
  METRICS_TABLE,
  RUNS_TABLE,
  SUMMARIES_TABLE,
} from '../../lib/app/storage-names';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import { CustomerHealthStore } from '../../lib/health/customer-health-store';
import { CustomerStatusStore } from '../../lib/store/customer-status-store';
import { MetricsTable } from '../../lib/store/metrics-table';
import { RunStore } from '../../lib/store/run-store';
import { SummaryStore } from '../../lib/summary/summary-store';

/** Storage requests by table, counted on the wire (one per HTTP request: a query page, a transaction, a read). */
export interface StorageRequestCounter {
  readonly byTable: Map<string, number>;
  total(): number;
  reset(): void;
}

/**
 * The app's services with every table store the fleet views read rebuilt on real `TableClient`s that carry a
 * counting pipeline policy: each HTTP request the SDK sends (including each page of a paged query) counts
 * once. Nothing is mocked: the requests go to the same Azurite tables the app uses.
 */
export function withCountedStorage(services: Services): { services: Services; requests: StorageRequestCounter } {
  const storage = services.config.storage;
  if (storage.kind !== 'connectionString') throw new Error('counting needs the local connection string');
  const byTable = new Map<string, number>();
  const table = (name: string) => {
    const options: TableServiceClientOptions = {
      allowInsecureConnection: storage.insecureLoopback === true,
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'count-storage-requests',
            sendRequest(request, next) {
              byTable.set(name, (byTable.get(name) ?? 0) + 1);
              return next(request);
            },
          },
        },
      ],
    };
    return TableClient.fromConnectionString(storage.connectionString, name, options);
  };
  const metricsTable = new MetricsTable(table(METRICS_TABLE));
  const counted: Services = {
    ...services,
    registry: new CustomerRegistry(table(CUSTOMERS_TABLE)),
    statuses: new CustomerStatusStore(table(CUSTOMER_STATUS_TABLE)),
    health: new CustomerHealthStore(table(CUSTOMER_HEALTH_TABLE)),
    runs: new RunStore(table(RUNS_TABLE), services.now),
    metricsTable,
    summaries: new SummaryStore(table(SUMMARIES_TABLE), metricsTable, services.now),
    // Every other store would be a read the views must not make: a request to it fails the count test loudly.
    discovery: {
      ...services.discovery,
      withKnownResources: () => Promise.reject(new Error('the fleet views must not read discovery per customer')),
    } as unknown as Services['discovery'],
    ensureStorage: () => Promise.resolve(),
  };
  return {
    services: counted,
    requests: {
      byTable,
      total: () => [...byTable.values()].reduce((a, b) => a + b, 0),
      reset: () => byTable.clear(),
    },
  };
}
