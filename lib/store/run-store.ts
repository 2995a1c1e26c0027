import { odata, RestError, type TableClient } from '@azure/data-tables';
import { findEntity } from './table-entity';

/**
 * Life of one customer's part of a run: queued (on-demand only) → running → succeeded | failed | skipped.
 * `abandoned` is never stored: it is how a record reads that still says `running` long after any attempt
 * could have (the worker was killed mid-way on its last attempt, so nothing will finish it).
 */
export const RUN_STATUSES = ['queued', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'abandoned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these may still do work: a second request for its window joins it. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'retrying'];

/** One customer's part of a collection run; never holds a secret. */
export interface RunRecord {
  readonly runId: string;
  readonly customerId: string;
  /** `settle` is a message trigger only: a settle read writes the `settle*` fields of its run's record, never a record of its own. */
  readonly trigger: 'schedule' | 'manual' | 'backfill' | 'settle';
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly status: RunStatus;
  readonly updatedAt: string;
  readonly queuedAt?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Delivery attempts the worker has started (the queue's dequeue count). */
  readonly attempts?: number;
  readonly datapointsWritten?: number;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** The delayed follow-up read of this run's provisional points (lib/settle): queued, then its outcome. */
  readonly settleStatus?: 'queued' | 'retrying' | 'settled' | 'nothingProvisional' | 'skipped' | 'failed';
  /** When the settle read becomes visible on the queue (queued) or ran (later states). */
  readonly settleAt?: string;
  /** Calls the settle read made into the customer's tenant (token and metrics). */
  readonly settleCalls?: number;
  /** Points the settle read still had to store provisional (0 when all are final). */
  readonly settleStillProvisional?: number;
  readonly settleErrorCode?: string;
  /** Calls the latest attempt made into the customer's tenant (the access audit), throttled answers included. */
  readonly calls?: number;
  /** Of those, Azure Monitor metrics calls (the billed ones). */
  readonly metricsCalls?: number;
  /** Of those, answers that were throttling (429, or the batch API's 529). */
  readonly throttledCalls?: number;
  /** The `cost` Azure reported for the attempt's metrics reads (Metrics_List answers carry one; batch answers do not). */
  readonly metricsCost?: number;
  /** Resources the attempt took from earlier attempts of the run instead of reading them again. */
  readonly resourcesReused?: number;
}

/** RunRecord fields that are numbers in the table (Azurite may hand Int64 back as a BigInt, older rows as strings). */
const NUMERIC_FIELDS = [
  'attempts',
  'datapointsWritten',
  'calls',
  'metricsCalls',
  'throttledCalls',
  'metricsCost',
  'resourcesReused',
  'settleCalls',
  'settleStillProvisional',
] as const;

type RunEntity = Omit<RunRecord, 'runId' | 'customerId'> & {
  partitionKey: string;
  rowKey: string;
  runId: string;
  customerId: string;
};
type WindowClaimEntity = { partitionKey: string; rowKey: string; runId: string };

/**
 * A `running` record not updated for this long is abandoned: host.json's functionTimeout (10 min) stops
 * any attempt before, and the next attempt would have rewritten it (test/infra checks the relation).
 */
export const ABANDONED_AFTER_MS = 15 * 60_000;

/** Largest JS timestamp we invert for newest-first keys (year 2286). */
const MAX_MS = 9_999_999_999_999;

/**
 * Run progress in one table, written twice so both questions are one-partition queries:
 * `run~{runId}` / `{customerId}` answers "how is run X doing?", `customer~{id}` / `{inverted
 * window start}~{runId}` answers "what were this customer's last N runs?" (tables sort ascending).
 * A third partition kind, `window~{id}`, holds which run owns an on-demand window (deduplication).
 */
export class RunStore {
  constructor(
    private readonly table: TableClient,
    /** Clock that decides when a running record reads as abandoned. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates or merges the run's record (both rows). Later fields win; absent fields are kept. */
  async record(run: Partial<RunRecord> & Pick<RunRecord, 'runId' | 'customerId' | 'windowStart'>): Promise<void> {
    const { runId, customerId, ...fields } = run;
    const body = { runId, customerId, ...definedOnly(fields) };
    await Promise.all([
      this.table.upsertEntity({ partitionKey: runPartition(runId), rowKey: customerId, ...body }, 'Merge'),
      this.table.upsertEntity(
        { partitionKey: customerPartition(customerId), rowKey: customerRowKey(run.windowStart, runId), ...body },
        'Merge',
      ),
    ]);
  }

  /**
   * Records an attempt's start, unless the run id's record belongs to another window: then nothing is written
   * and that record is returned (the caller drops the message). A scheduled run's first attempt finds no
   * record, so the run row is created (an insert fails if the row exists: no read is needed to know it is ours),
   * then the customer row is merged: two requests where a read first would take three. A record that exists (a
   * retry, an on-demand run queued before) is read and, when it is this window's, merged like `record`.
   */
  async start(
    run: Partial<RunRecord> & Pick<RunRecord, 'runId' | 'customerId' | 'windowStart' | 'windowEnd'>,
  ): Promise<RunRecord | undefined> {
    const { runId, customerId, ...fields } = run;
    const body = { runId, customerId, ...definedOnly(fields) };
    const runRow = { partitionKey: runPartition(runId), rowKey: customerId, ...body };
    try {
      await this.table.createEntity(runRow);
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
      const existing = await this.find(runId, customerId);
      if (existing && (existing.windowStart !== run.windowStart || existing.windowEnd !== run.windowEnd)) {
        return existing;
      }
      await this.table.upsertEntity(runRow, 'Merge');
    }
    await this.table.upsertEntity(
      { partitionKey: customerPartition(customerId), rowKey: customerRowKey(run.windowStart, runId), ...body },
      'Merge',
    );
    return undefined;
  }

  /** Every customer's record of one run (one for an on-demand run), ordered by customer id. */
  async get(runId: string): Promise<RunRecord[]> {
    const filter = odata`PartitionKey eq ${runPartition(runId)}`;
    const runs: RunRecord[] = [];
    for await (const entity of this.table.listEntities<RunEntity>({ queryOptions: { filter } }))
      runs.push(this.read(entity));
    return runs;
  }

  /** One customer's record of one run, or undefined. */
  async find(runId: string, customerId: string): Promise<RunRecord | undefined> {
    const entity = await findEntity<RunEntity>(this.table, runPartition(runId), customerId);
    return entity && this.read(entity);
  }

  /** A customer's most recent runs, newest window first. */
  async recent(customerId: string, limit = 10): Promise<RunRecord[]> {
    const filter = odata`PartitionKey eq ${customerPartition(customerId)}`;
    const runs: RunRecord[] = [];
    for await (const entity of this.table.listEntities<RunEntity>({ queryOptions: { filter } })) {
      runs.push(this.read(entity));
      if (runs.length >= limit) break;
    }
    return runs;
  }

  private read(entity: RunEntity): RunRecord {
    return withAbandonment(fromEntity(entity), this.now());
  }

  /**
   * Makes `runId` the owner of a customer's on-demand window unless an active run already owns it.
   * Conditional writes (create, or replace with the ETag just read) make two concurrent requests
   * agree on one owner. @returns the owning run id and whether it is the one proposed.
   */
  async claimWindow(
    customerId: string,
    windowStart: string,
    runId: string,
  ): Promise<{ runId: string; claimed: boolean }> {
    const key = { partitionKey: `window~${customerId}`, rowKey: compactInstant(windowStart) };
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await findEntity<WindowClaimEntity>(this.table, key.partitionKey, key.rowKey);
      if (existing) {
        const owner = await this.find(existing.runId, customerId);
        // An owner with no record yet was claimed a moment ago and is about to be queued: join it.
        if (!owner || ACTIVE_RUN_STATUSES.includes(owner.status)) return { runId: existing.runId, claimed: false };
      }
      try {
        if (existing) await this.table.updateEntity({ ...key, runId }, 'Replace', { etag: existing.etag });
        else await this.table.createEntity({ ...key, runId });
        return { runId, claimed: true };
      } catch (error) {
        // 409: created concurrently; 412: replaced concurrently. Read again and decide again.
        if (!(error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412))) throw error;
      }
    }
    throw new Error(`Could not claim the window ${windowStart} of ${customerId}: too much contention`);
  }
}

/** A record as readers see it: `running` turns `abandoned` once no attempt can still be working on it. */
export function withAbandonment(run: RunRecord, now: Date): RunRecord {
  if (run.status !== 'running' || now.getTime() - Date.parse(run.updatedAt) <= ABANDONED_AFTER_MS) return run;
  return { ...run, status: 'abandoned' };
}

function runPartition(runId: string): string {
  return `run~${runId}`;
}

function customerPartition(customerId: string): string {
  return `customer~${customerId}`;
}

function customerRowKey(windowStart: string, runId: string): string {
  return `${String(MAX_MS - Date.parse(windowStart)).padStart(13, '0')}~${runId}`;
}

function compactInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:.]/g, '');
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function fromEntity(entity: RunEntity): RunRecord {
  const { partitionKey: _p, rowKey: _r, ...rest } = entity as RunEntity & { etag?: string; timestamp?: string };
  const { etag: _e, timestamp: _t, ...fields } = rest as typeof rest & { etag?: string; timestamp?: string };
  const numbers = Object.fromEntries(
    NUMERIC_FIELDS.flatMap((name) => (fields[name] !== undefined ? [[name, Number(fields[name])]] : [])),
  );
  return { ...fields, ...numbers } as RunRecord;
}
