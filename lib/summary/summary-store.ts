import { odata, RestError, type TableClient, type TransactionAction } from '@azure/data-tables';
import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { Datapoint } from '../metrics/datapoint';
import { deleteEntityIfExists, MAX_TABLE_BATCH } from '../store/table-entity';
import { mergeSeriesSummary, SUMMARY_HOURS, type SeriesSummary } from './series-summary';
import {
  fromSummaryEntity,
  META_ROW,
  SERIES_ROW_PREFIX,
  seriesRowKey,
  topHoursOf,
  topPartitions,
  topRowPrefix,
  toSummaryEntity,
  toTopEntity,
  type SummaryEntity,
  type TopEntity,
  type TopHour,
} from './summary-entity';

const HOUR_MS = 3_600_000;
/**
 * A transaction holds at most 100 entities of one partition and its payload must stay under 4 MiB
 * (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions); JSON characters
 * are counted with room for the multipart envelope and UTF-8 growth.
 */
const MAX_TRANSACTION_CHARS = 1_500_000;
/** Optimistic-concurrency rounds before giving up (two runs of one customer writing at the same moment). */
const MAX_MERGE_ROUNDS = 5;
const PARALLEL_TRANSACTIONS = 4;

/** Where a first summary is rebuilt from: the customer's stored datapoints since a time. */
export interface SummaryHistory {
  listCustomerPoints(customerId: string, from: Date): AsyncIterable<Datapoint>;
}

/** A stored series summary with the customer it belongs to. */
export interface StoredSummary extends SeriesSummary {
  readonly customerId: string;
}

/** One series as `metrics/top` ranks it. */
export interface TopSeries {
  readonly customerId: string;
  readonly resourceId: string;
  readonly metric: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly unit?: string;
  readonly hours: readonly TopHour[];
}

/** What one `record` did, for logs and tests. */
export interface SummaryWrite {
  readonly seriesWritten: number;
  /** Series built from stored history because the customer had no summary yet. */
  readonly seriesRebuilt: number;
  /** Optimistic-concurrency conflicts met (another run wrote the same series first). */
  readonly conflicts: number;
}

interface Loaded {
  readonly summary: SeriesSummary;
  readonly entity: SummaryEntity & { etag: string };
}

/** A customer's summaries as one partition query read them (SummaryStore.load), for `record` to merge into. */
export interface CustomerSummaries {
  readonly series: ReadonlyMap<string, Loaded>;
  readonly hasMeta: boolean;
}

/**
 * Per-series summaries written at collection time (latest point and hourly roll-ups for SUMMARY_HOURS), so
 * the fleet views (dashboard, health, top) read a bounded number of entities instead of history.
 */
export class SummaryStore {
  constructor(
    private readonly table: TableClient,
    private readonly history: SummaryHistory,
    private readonly now: () => Date,
  ) {}

  /**
   * Merges a run's datapoints into the customer's summaries: one partition query, then conditional
   * transactions (ETag), retried on a conflict with a fresh read, so concurrent runs of one customer (gap
   * healing queues several windows at once) both land. Then the ranking copies, checked against the
   * revisions written, so a slower run never leaves an older copy behind.
   *
   * A customer without a summary yet (collected before summaries existed) gets one rebuilt from the last
   * SUMMARY_HOURS of its stored datapoints, once: one range query over its own series. `storedHistory: false`
   * says the caller knows the customer had nothing stored before this run (it was never collected): its
   * first summary is this run's points, and the query is skipped. `loaded`: the partition as the caller read it
   * (load) for this run; the first round merges into it instead of reading again (a conflict reads afresh).
   */
  async record(
    customerId: string,
    datapoints: readonly Datapoint[],
    options: { readonly storedHistory?: boolean; readonly loaded?: CustomerSummaries } = {},
  ): Promise<SummaryWrite> {
    const bySeries = groupBySeries(datapoints);
    if (bySeries.size === 0) return { seriesWritten: 0, seriesRebuilt: 0, conflicts: 0 };
    let conflicts = 0;
    for (let round = 1; ; round++) {
      const { series, hasMeta } = round === 1 && options.loaded ? options.loaded : await this.readCustomer(customerId);
      const incoming = new Map(bySeries);
      let rebuilt = 0;
      if (!hasMeta && options.storedHistory !== false) {
        const from = new Date(this.now().getTime() - (SUMMARY_HOURS + 1) * HOUR_MS);
        const stored = groupBySeries(await collect(this.history.listCustomerPoints(customerId, from)));
        rebuilt = stored.size;
        for (const [key, points] of stored) incoming.set(key, [...points, ...(incoming.get(key) ?? [])]);
      }
      const writes: Array<{ summary: SeriesSummary; revision: number; action: TransactionAction }> = [];
      for (const [rowKey, points] of incoming) {
        const loaded = series.get(rowKey);
        const merged = mergeSeriesSummary(loaded?.summary, points, this.now());
        const revision = (loaded?.entity.revision ?? 0) + 1;
        const entity = toSummaryEntity(customerId, merged, revision);
        // A re-run of the same window changes nothing: no write, no new revision.
        if (loaded && sameContent(entity, loaded.entity)) continue;
        writes.push({
          summary: merged,
          revision,
          action: loaded ? ['update', entity, 'Replace', { etag: loaded.entity.etag }] : ['create', entity],
        });
      }
      const meta: TransactionAction[] = hasMeta
        ? []
        : [['upsert', { partitionKey: customerId, rowKey: META_ROW, builtAt: this.now().toISOString(), rebuilt }]];
      try {
        await this.submit([...writes.map((w) => w.action), ...meta]);
      } catch (error) {
        if (!isConflict(error) || round >= MAX_MERGE_ROUNDS) throw error;
        conflicts++;
        continue;
      }
      await this.writeTopRows(customerId, writes);
      return { seriesWritten: writes.length, seriesRebuilt: rebuilt, conflicts };
    }
  }

  /** A customer's summaries, for `record` and `isSettledPoint` (settled-points.ts): one partition query (pages of 1,000 series). */
  async load(customerId: string): Promise<CustomerSummaries> {
    return this.readCustomer(customerId);
  }

  /** Every series summary of one customer: one partition query (pages of 1,000 series). */
  async listCustomer(customerId: string): Promise<StoredSummary[]> {
    const { series } = await this.readCustomer(customerId);
    return [...series.values()].map((s) => ({ customerId, ...s.summary }));
  }

  /**
   * Every series of `metric` (any case) across customers, with the hours a ranking needs: one row-range query
   * per ranking partition (TOP_BUCKETS, in parallel), however long the history and however many series other
   * metrics have. Rows come in key order across buckets (customer, then series), as from one partition.
   */
  async listTop(metric: string): Promise<TopSeries[]> {
    const prefix = topRowPrefix(metric);
    const wanted = metric.toLowerCase();
    const buckets = await Promise.all(
      topPartitions().map(async (partition) => {
        const filter = odata`PartitionKey eq ${partition} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
        const rows: Array<{ key: string; series: TopSeries }> = [];
        for await (const entity of this.table.listEntities<TopEntity>({ queryOptions: { filter } })) {
          // A metric whose name continues this one's after `~` would sort here too: not ours.
          if (entity.metricKey !== wanted) continue;
          rows.push({
            key: entity.rowKey,
            series: {
              customerId: entity.customerId,
              resourceId: entity.resourceId,
              metric: entity.metric,
              ...(entity.dimensions ? { dimensions: JSON.parse(entity.dimensions) as Record<string, string> } : {}),
              ...(entity.unit ? { unit: entity.unit } : {}),
              hours: topHoursOf(entity),
            },
          });
        }
        return rows;
      }),
    );
    return buckets
      .flat()
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((row) => row.series);
  }

  /** Forgets a customer's summaries and its ranking rows (its data was purged at offboarding). */
  async removeCustomer(customerId: string): Promise<number> {
    const { series, hasMeta } = await this.readCustomer(customerId);
    const rows = [...series.values()].map(({ summary, entity }) => {
      const { partitionKey, rowKey } = toTopEntity(customerId, summary, entity.revision);
      return { partitionKey, rowKey };
    });
    rows.push(
      ...[...series.keys(), ...(hasMeta ? [META_ROW] : [])].map((rowKey) => ({ partitionKey: customerId, rowKey })),
    );
    const settled = await mapWithConcurrency(rows, PARALLEL_TRANSACTIONS, (row) =>
      deleteEntityIfExists(this.table, row.partitionKey, row.rowKey),
    );
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    return series.size;
  }

  private async readCustomer(customerId: string): Promise<{ series: Map<string, Loaded>; hasMeta: boolean }> {
    const filter = odata`PartitionKey eq ${customerId}`;
    const series = new Map<string, Loaded>();
    let hasMeta = false;
    for await (const entity of this.table.listEntities<SummaryEntity>({ queryOptions: { filter } })) {
      if (entity.rowKey === META_ROW) hasMeta = true;
      else if (entity.rowKey.startsWith(SERIES_ROW_PREFIX)) {
        const typed = { ...entity, revision: Number(entity.revision) } as SummaryEntity & { etag: string };
        series.set(entity.rowKey, { summary: fromSummaryEntity(typed), entity: typed });
      }
    }
    return { series, hasMeta };
  }

  /**
   * The ranking copies of what was just written (upserts: a ranking partition is shared by the customers of its bucket), then
   * a check of the revisions: a run that merged after us may have written its copy before ours landed, and
   * ours would be older. Rows whose revision moved on are copied again from a fresh read.
   */
  private async writeTopRows(
    customerId: string,
    writes: ReadonlyArray<{ summary: SeriesSummary; revision: number }>,
  ): Promise<void> {
    const copy = (summary: SeriesSummary, revision: number) => ({
      seriesKey: seriesRowKey(summary.resourceId, summary.metric, summary.dimensions),
      row: toTopEntity(customerId, summary, revision),
    });
    let pending = writes.map((w) => copy(w.summary, w.revision));
    for (let round = 1; pending.length > 0 && round <= MAX_MERGE_ROUNDS; round++) {
      await this.submit(pending.map(({ row }): TransactionAction => ['upsert', row, 'Replace']));
      const revisions = await this.readRevisions(customerId);
      const moved = pending.filter(({ seriesKey, row }) => (revisions.get(seriesKey) ?? 0) > row.revision);
      if (moved.length === 0) return;
      const { series } = await this.readCustomer(customerId);
      pending = moved.flatMap(({ seriesKey }) => {
        const fresh = series.get(seriesKey);
        return fresh ? [copy(fresh.summary, fresh.entity.revision)] : [];
      });
    }
  }

  /** Each series row's revision: the keys and one number per row, not the hours. */
  private async readRevisions(customerId: string): Promise<Map<string, number>> {
    const filter = odata`PartitionKey eq ${customerId} and RowKey ge ${SERIES_ROW_PREFIX} and RowKey lt ${`${SERIES_ROW_PREFIX}~`}`;
    const revisions = new Map<string, number>();
    for await (const entity of this.table.listEntities<{ revision: number }>({
      queryOptions: { filter, select: ['RowKey', 'revision'] },
    })) {
      revisions.set(entity.rowKey as string, Number(entity.revision));
    }
    return revisions;
  }

  /** Actions of one partition in transactions of at most 100 actions and well under 4 MiB, a few at once. */
  private async submit(actions: readonly TransactionAction[]): Promise<void> {
    const batches: TransactionAction[][] = [];
    let current: TransactionAction[] = [];
    let chars = 0;
    for (const action of actions) {
      const size = JSON.stringify(action[1]).length;
      if (current.length >= MAX_TABLE_BATCH || (current.length > 0 && chars + size > MAX_TRANSACTION_CHARS)) {
        batches.push(current);
        [current, chars] = [[], 0];
      }
      current.push(action);
      chars += size;
    }
    if (current.length > 0) batches.push(current);
    const settled = await mapWithConcurrency(batches, PARALLEL_TRANSACTIONS, (batch) =>
      this.table.submitTransaction(batch),
    );
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
  }
}

function groupBySeries(datapoints: readonly Datapoint[]): Map<string, Datapoint[]> {
  const bySeries = new Map<string, Datapoint[]>();
  for (const point of datapoints) {
    const key = seriesRowKey(point.resourceId, point.metric, point.dimensions);
    const list = bySeries.get(key);
    if (list) list.push(point);
    else bySeries.set(key, [point]);
  }
  return bySeries;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function sameContent(next: SummaryEntity, stored: SummaryEntity): boolean {
  const fields = Object.keys(next).filter((k) => k !== 'revision' && k !== 'partitionKey' && k !== 'rowKey');
  const storedFields = Object.keys(stored).filter((k) =>
    /^(hoursJson\d*|latestJson|unit|interval|dimensions)$/.test(k),
  );
  if (storedFields.some((k) => !(k in next))) return false;
  return fields.every((k) => (next as Record<string, unknown>)[k] === (stored as Record<string, unknown>)[k]);
}

/** Another writer got there first: 412 on a stale ETag, 409 on creating a row that now exists. */
function isConflict(error: unknown): boolean {
  return error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409);
}
