import { TableClient } from '@azure/data-tables';
import { countStorageRequests, type StorageRequestCounter } from '../../lib/bench/count-storage-requests';
import { startAzurite, type RunningAzurite } from '../../lib/local/azurite/start-azurite';

export interface CountedAzurite {
  readonly azurite: RunningAzurite;
  /** Every request this process sends to this Azurite, by kind (`table get runs`, `blob put`, ...). */
  readonly storage: StorageRequestCounter;
  /** A client of a new table (created) on this Azurite. */
  createTable(name: string): Promise<TableClient>;
  close(): Promise<void>;
}

/** An Azurite of its own for a store's test, with its storage requests counted on the wire (countStorageRequests). */
export async function startCountedAzurite(): Promise<CountedAzurite> {
  const azurite = await startAzurite();
  const services = new Map([
    [new URL(azurite.blobEndpoint).host, 'blob' as const],
    [new URL(azurite.queueEndpoint).host, 'queue' as const],
    [new URL(azurite.tableEndpoint).host, 'table' as const],
  ]);
  const storage = countStorageRequests((host) => services.get(host));
  return {
    azurite,
    storage,
    async createTable(name) {
      const table = TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
      await table.createTable();
      return table;
    },
    async close() {
      storage.close();
      await azurite.close();
    },
  };
}
