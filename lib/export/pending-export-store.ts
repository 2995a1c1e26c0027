import { odata, type TableClient } from '@azure/data-tables';
import { deleteEntityIfExists } from '../store/table-entity';
import type { HealthRow, RunRow } from './export-tables';

/**
 * What an export that failed still owes, per customer, until a later run sends it:
 * - `metrics`: a marker only (run, attempt, the slots' time range). The datapoints themselves are in
 *   the metrics table already; the retry reads them back from there, so no second copy is kept.
 * - `run` / `health`: the one small row itself (a few hundred bytes): there is nothing to rebuild it from.
 */
export type PendingExport =
  | {
      readonly kind: 'metrics';
      readonly customerId: string;
      readonly runId: string;
      readonly attempt: number;
      /** First and last datapoint timestamps of the failed export (inclusive). */
      readonly from: string;
      readonly to: string;
      readonly failedAt: string;
      readonly errorCode: string;
    }
  | {
      readonly kind: 'run' | 'health';
      readonly customerId: string;
      readonly runId: string;
      readonly row: RunRow | HealthRow;
      readonly failedAt: string;
      readonly errorCode: string;
    };

type PendingEntity = {
  partitionKey: string;
  rowKey: string;
  kind: string;
  runId: string;
  attempt?: number;
  from?: string;
  to?: string;
  rowJson?: string;
  failedAt: string;
  errorCode: string;
};

/** Pending export markers in Table Storage: one partition per customer, one row per failed export. */
export class PendingExportStore {
  constructor(private readonly table: TableClient) {}

  /** Records (or refreshes) a marker; the same failed export twice leaves one row. */
  async put(pending: PendingExport): Promise<void> {
    const base = {
      partitionKey: pending.customerId,
      rowKey: rowKeyOf(pending),
      kind: pending.kind,
      runId: pending.runId,
      failedAt: pending.failedAt,
      errorCode: pending.errorCode,
    };
    const entity: PendingEntity =
      pending.kind === 'metrics'
        ? { ...base, attempt: pending.attempt, from: pending.from, to: pending.to }
        : { ...base, rowJson: JSON.stringify(pending.row) };
    await this.table.upsertEntity(entity, 'Replace');
  }

  /** A customer's markers, oldest key first. */
  async list(customerId: string): Promise<PendingExport[]> {
    const filter = odata`PartitionKey eq ${customerId}`;
    const found: PendingExport[] = [];
    for await (const e of this.table.listEntities<PendingEntity>({ queryOptions: { filter } })) {
      const base = { customerId, runId: e.runId, failedAt: e.failedAt, errorCode: e.errorCode };
      if (e.kind === 'metrics') {
        found.push({ ...base, kind: 'metrics', attempt: e.attempt ?? 1, from: e.from ?? '', to: e.to ?? '' });
      } else if (e.kind === 'run' || e.kind === 'health') {
        found.push({ ...base, kind: e.kind, row: JSON.parse(e.rowJson ?? '{}') as RunRow | HealthRow });
      }
    }
    return found;
  }

  /** Every customer's marker count, for the run summary and ops (a cross-partition scan of a small table). */
  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.table.listEntities({ queryOptions: { select: ['PartitionKey'] } })) n++;
    return n;
  }

  async remove(pending: PendingExport): Promise<void> {
    await deleteEntityIfExists(this.table, pending.customerId, rowKeyOf(pending));
  }
}

function rowKeyOf(pending: PendingExport): string {
  if (pending.kind === 'metrics') return `metrics~${pending.runId}~${pending.attempt}`;
  if (pending.kind === 'run') return `run~${pending.runId}~${String((pending.row as RunRow).Attempt ?? 1)}`;
  return `health~${String((pending.row as HealthRow).TimeGenerated ?? pending.failedAt)}`;
}
