import { odata, type TableClient } from '@azure/data-tables';
import { findEntity } from './table-entity';

/**
 * What the product knows about one schedule window of one customer: `collected` (a run finished it),
 * `missed` (its run gave up: a permanent failure, an unknown one after its attempts, or a transient one
 * poisoned), or `queued` (gap healing or a backfill asked for it again and it has not finished yet).
 * A window with no row was never attempted (the timer or worker was down, or a run was killed mid-way).
 */
export type WindowState = 'collected' | 'missed' | 'queued';

export interface WindowCoverage {
  readonly customerId: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly state: WindowState;
  readonly runId: string;
  readonly updatedAt: string;
  readonly errorCode?: string;
}

/** Per customer: every window before `healedThrough` is collected (or was beyond retention when last looked at). */
export interface CoverageSummary {
  readonly customerId: string;
  readonly healedThrough: string;
}

type CoverageEntity = Omit<WindowCoverage, 'customerId'> & { partitionKey: string; rowKey: string };
type SummaryEntity = { partitionKey: string; rowKey: string; healedThrough: string };

/** Sorts after every window row (digits), so a window range query never returns it. */
const SUMMARY_ROW = 'summary';

/**
 * The coverage record, in the runs table: partition `coverage~{customerId}`, one row per window keyed
 * by its compact start (ascending, so "oldest first" is the table's own order), and one summary row
 * holding the healing watermark, so a healthy customer's check reads only the windows since the last one.
 */
export class CoverageStore {
  constructor(private readonly table: TableClient) {}

  /**
   * Records a window's state; with `healedThrough`, moves the watermark in the same request (one transaction:
   * the window rows and the summary row share the customer's partition).
   */
  async mark(window: WindowCoverage, healedThrough?: string): Promise<void> {
    const { customerId, errorCode, ...fields } = window;
    const row: CoverageEntity = {
      partitionKey: partition(customerId),
      rowKey: windowKey(window.windowStart),
      ...fields,
      ...(errorCode ? { errorCode } : {}),
    };
    if (healedThrough === undefined) {
      await this.table.upsertEntity<CoverageEntity>(row, 'Replace');
      return;
    }
    const summary: SummaryEntity = { partitionKey: row.partitionKey, rowKey: SUMMARY_ROW, healedThrough };
    await this.table.submitTransaction([
      ['upsert', row, 'Replace'],
      ['upsert', summary, 'Replace'],
    ]);
  }

  /** Windows starting in [from, to), oldest first. */
  async list(customerId: string, from: string, to: string): Promise<WindowCoverage[]> {
    const filter = odata`PartitionKey eq ${partition(customerId)} and RowKey ge ${windowKey(from)} and RowKey lt ${windowKey(to)}`;
    const rows: WindowCoverage[] = [];
    for await (const e of this.table.listEntities<CoverageEntity>({ queryOptions: { filter } })) {
      rows.push({
        customerId,
        windowStart: e.windowStart,
        windowEnd: e.windowEnd,
        state: e.state,
        runId: e.runId,
        updatedAt: e.updatedAt,
        ...(e.errorCode ? { errorCode: e.errorCode } : {}),
      });
    }
    return rows;
  }

  async summary(customerId: string): Promise<CoverageSummary | undefined> {
    const entity = await findEntity<SummaryEntity>(this.table, partition(customerId), SUMMARY_ROW);
    return entity && { customerId, healedThrough: entity.healedThrough };
  }

  async setHealedThrough(customerId: string, healedThrough: string): Promise<void> {
    await this.table.upsertEntity<SummaryEntity>(
      { partitionKey: partition(customerId), rowKey: SUMMARY_ROW, healedThrough },
      'Replace',
    );
  }
}

function partition(customerId: string): string {
  return `coverage~${customerId}`;
}

/** `20261122T080000Z`: sortable, no characters Table Storage refuses in keys. */
function windowKey(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]|\.\d{3}/g, '');
}
