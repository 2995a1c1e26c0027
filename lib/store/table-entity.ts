import { RestError, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { chunk } from '../batching/chunk';

/** One entity, or undefined when it does not exist (a 404 is an answer here, not an error). */
export async function findEntity<T extends object>(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<T> | undefined> {
  try {
    return await table.getEntity<T>(partitionKey, rowKey);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Deletes one entity. @returns false when there was none to delete. */
export async function deleteEntityIfExists(table: TableClient, partitionKey: string, rowKey: string): Promise<boolean> {
  try {
    await table.deleteEntity(partitionKey, rowKey);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

/** Azure Tables: a transaction holds at most 100 actions, all in one partition. */
export const MAX_TABLE_BATCH = 100;

/**
 * Submits actions of ONE partition in transactions of at most 100 (Azure's limit), in order.
 * @returns how many actions were submitted.
 */
export async function submitInBatches(table: TableClient, actions: readonly TransactionAction[]): Promise<number> {
  for (const part of chunk(actions, MAX_TABLE_BATCH)) await table.submitTransaction(part);
  return actions.length;
}
