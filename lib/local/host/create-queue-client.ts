import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { AppError } from '../../errors/app-error';

/** The connection a storage binding uses when it names none. */
export const DEFAULT_STORAGE_CONNECTION = 'AzureWebJobsStorage';

/**
 * A client for `queueName` through the binding's `connection` app setting, resolved like the
 * host does: the setting itself, else `AzureWebJobs<connection>`. Only connection strings are
 * supported locally (Azurite); identity-based connections are for Azure.
 */
export function createQueueClient(
  connection: string | undefined,
  queueName: string,
  appSettings: Readonly<Record<string, string>>,
): QueueClient {
  const name = connection || DEFAULT_STORAGE_CONNECTION;
  const connectionString = appSettings[name] ?? appSettings[`AzureWebJobs${name}`];
  if (!connectionString) {
    throw new AppError({
      kind: 'validation',
      code: 'MissingStorageConnection',
      message: `Storage connection "${name}" (queue "${queueName}") is not set; the local host needs a connection string app setting`,
    });
  }
  return QueueServiceClient.fromConnectionString(connectionString).getQueueClient(queueName);
}
