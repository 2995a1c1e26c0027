import type { LogsIngestionClient } from '@azure/monitor-ingestion';
import { isRestError } from '@azure/core-rest-pipeline';
import type { LogsExportConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import type { MetricsTable } from '../store/metrics-table';
import { describeError } from '../logging/describe-error';
import type { PendingExport, PendingExportStore } from './pending-export-store';
import { LruMap } from '../caching/lru-map';
import {
  toHealthRow,
  toMetricRows,
  toRunRow,
  type CollectedResource,
  type HealthChange,
  type RunAttempt,
  type RunOutcome,
} from './to-export-rows';

/** Rows the app sent (or failed to send) since it started, per table: the run summary's export line. */
export interface ExportTotals {
  metrics: number;
  runs: number;
  health: number;
  failedCalls: number;
  /** Exports that failed and left a pending marker. */
  pending: number;
  /** Pending exports sent later. */
  recovered: number;
}

export interface ExportOutcome {
  readonly ok: boolean;
  readonly rows: number;
  readonly code?: string;
}

export interface LogsExportDependencies {
  readonly client: Pick<LogsIngestionClient, 'upload'>;
  readonly config: LogsExportConfig;
  readonly pending: PendingExportStore;
  readonly metricsTable: Pick<MetricsTable, 'query'>;
  readonly httpTimeoutMs: number;
  readonly now: () => Date;
}

/** What a collection hands the export: the attempt and what it read. */
export interface CollectionExport extends RunAttempt {
  readonly resources: readonly CollectedResource[];
}

/**
 * Sends what the collector produces to Log Analytics through the Logs Ingestion API
 * (`LogsIngestionClient.upload`, which gzips and splits into calls under the 1 MB limit, five at a
 * time, and retries 429/5xx honouring `Retry-After`). It never throws: collection has stored its data
 * before the export runs, and an export failure is logged, counted, and left as a pending marker that the
 * customer's next run sends first. Log Analytics does not deduplicate; every row carries RunId, Attempt
 * and ExportedAt, and the shipped queries keep the newest row per key, so a resend never double-counts.
 */
export class LogsExport {
  readonly totals: ExportTotals = { metrics: 0, runs: 0, health: 0, failedCalls: 0, pending: 0, recovered: 0 };
  /**
   * The customer's markers as an attempt's collection export listed them, kept for the run export that ends the
   * same attempt: one partition query per message instead of two. A marker written in between (a failed health
   * export) waits for the next run. Bounded: an attempt that never reaches its run export (the process died) is
   * pushed out by later ones, and a run export that finds no kept list lists again.
   */
  readonly #listedByAttempt = new LruMap<string, PendingExport[]>(LISTED_ATTEMPTS);

  constructor(private readonly deps: LogsExportDependencies) {}

  /** Every datapoint of one collection attempt, after any of this customer's pending datapoint exports. */
  async exportCollection(collection: CollectionExport, log: Logger): Promise<ExportOutcome> {
    const pending = await this.#listPending(collection.customerId, log);
    this.#listedByAttempt.set(attemptKey(collection), pending);
    await this.#retryPendingMetrics(collection, pending, log);
    const exportedAt = this.deps.now().toISOString();
    const rows = collection.resources.flatMap((r) => toMetricRows(collection, r, exportedAt));
    if (rows.length === 0) return { ok: true, rows: 0 };
    const sent = await this.#send('metrics', rows, collection, log);
    if (!sent.ok) {
      const times = rows.map((r) => r.TimeGenerated ?? '').sort();
      await this.#remember(
        {
          kind: 'metrics',
          customerId: collection.customerId,
          runId: collection.runId,
          attempt: collection.attempt,
          from: times[0] ?? '',
          to: times.at(-1) ?? '',
          failedAt: exportedAt,
          errorCode: sent.code ?? 'LogsIngestionFailed',
        },
        log,
      );
    }
    return sent;
  }

  /** The outcome of one worker attempt, after any of this customer's pending run and health rows. */
  async exportRun(run: RunOutcome, log: Logger): Promise<ExportOutcome> {
    const key = attemptKey(run);
    const listed = this.#listedByAttempt.get(key);
    this.#listedByAttempt.delete(key);
    await this.#retryPendingRows(run.customerId, listed ?? (await this.#listPending(run.customerId, log)), log);
    const exportedAt = this.deps.now().toISOString();
    const row = toRunRow(run, exportedAt);
    const sent = await this.#send('runs', [row], run, log);
    if (!sent.ok) {
      const errorCode = sent.code ?? 'LogsIngestionFailed';
      await this.#remember(
        { kind: 'run', customerId: run.customerId, runId: run.runId, row, failedAt: exportedAt, errorCode },
        log,
      );
    }
    return sent;
  }

  /** One health change; a failure is sent with the customer's next run outcome. */
  async exportHealthChange(change: HealthChange, log: Logger): Promise<ExportOutcome> {
    const exportedAt = this.deps.now().toISOString();
    const row = toHealthRow(change, exportedAt);
    const sent = await this.#send('health', [row], { customerId: change.customerId, runId: '', attempt: 0 }, log);
    if (!sent.ok) {
      const errorCode = sent.code ?? 'LogsIngestionFailed';
      await this.#remember(
        { kind: 'health', customerId: change.customerId, runId: '', row, failedAt: exportedAt, errorCode },
        log,
      );
    }
    return sent;
  }

  /** Re-reads each pending window's datapoints from the metrics table (the series this run read) and sends them. */
  async #retryPendingMetrics(
    collection: CollectionExport,
    pending: readonly PendingExport[],
    log: Logger,
  ): Promise<void> {
    for (const marker of pending) {
      if (marker.kind !== 'metrics') continue;
      const from = new Date(marker.from);
      const to = new Date(Date.parse(marker.to) + 1000);
      let resources: CollectedResource[];
      try {
        resources = await Promise.all(
          collection.resources.map(async (r) => {
            const metrics = [...new Set(r.datapoints.map((p) => p.metric))];
            const series = await Promise.all(
              metrics.map((metric) =>
                this.deps.metricsTable.query({
                  customerId: collection.customerId,
                  resourceId: r.resourceId,
                  metric,
                  from,
                  to,
                }),
              ),
            );
            return { ...r, datapoints: series.flat() };
          }),
        );
      } catch (error) {
        log.warn(`Pending export of ${collection.customerId} not retried: ${describeError(error)}`, {
          customerId: collection.customerId,
          code: 'ExportPendingUnreadable',
        });
        return;
      }
      const exportedAt = this.deps.now().toISOString();
      const attempt = { customerId: marker.customerId, runId: marker.runId, attempt: marker.attempt };
      const rows = resources.flatMap((r) => toMetricRows(attempt, r, exportedAt));
      const sent = rows.length === 0 ? { ok: true, rows: 0 } : await this.#send('metrics', rows, attempt, log);
      if (!sent.ok) return; // still failing: keep the marker, try again next run
      await this.#forget(marker, log);
    }
  }

  async #retryPendingRows(customerId: string, pending: readonly PendingExport[], log: Logger): Promise<void> {
    for (const marker of pending) {
      if (marker.kind === 'metrics') continue;
      const table = marker.kind === 'run' ? 'runs' : 'health';
      const sent = await this.#send(table, [marker.row], { customerId, runId: marker.runId, attempt: 0 }, log);
      if (!sent.ok) return;
      await this.#forget(marker, log);
    }
  }

  async #send(
    table: 'metrics' | 'runs' | 'health',
    rows: readonly object[],
    run: RunAttempt,
    log: Logger,
  ): Promise<ExportOutcome> {
    const { client, config, httpTimeoutMs } = this.deps;
    try {
      // Room for the SDK's own retries (429 Retry-After, 5xx back-off) across several 1 MB calls.
      await client.upload(config.ruleId, config.streams[table], rows as Record<string, unknown>[], {
        abortSignal: AbortSignal.timeout(httpTimeoutMs * 4),
      });
      this.totals[table] += rows.length;
      return { ok: true, rows: rows.length };
    } catch (error) {
      const failure = describeExportFailure(error);
      this.totals.failedCalls++;
      log.warn(`Export to ${config.streams[table]} failed for ${run.customerId}: ${failure.code}: ${failure.message}`, {
        customerId: run.customerId,
        runId: run.runId,
        code: failure.code,
        rows: rows.length,
      });
      return { ok: false, rows: 0, code: failure.code };
    }
  }

  async #listPending(customerId: string, log: Logger): Promise<PendingExport[]> {
    try {
      return await this.deps.pending.list(customerId);
    } catch (error) {
      log.warn(`Pending exports of ${customerId} unreadable: ${describeError(error)}`, {
        customerId,
        code: 'ExportPendingUnreadable',
      });
      return [];
    }
  }

  async #remember(pending: PendingExport, log: Logger): Promise<void> {
    this.totals.pending++;
    try {
      await this.deps.pending.put(pending);
    } catch (error) {
      // Both Log Analytics and our own table failing: the rows are lost for analytics only (the
      // metrics table still has every datapoint), and the log line says which.
      log.error(`Export of ${pending.customerId} failed and could not be marked pending: ${describeError(error)}`, {
        customerId: pending.customerId,
        runId: pending.runId,
        code: 'ExportPendingNotRecorded',
      });
    }
  }

  async #forget(pending: PendingExport, log: Logger): Promise<void> {
    this.totals.recovered++;
    try {
      await this.deps.pending.remove(pending);
    } catch (error) {
      // Sent again next run; the queries keep the newest row, so a resend costs only ingestion.
      log.warn(`Pending export marker of ${pending.customerId} not removed: ${describeError(error)}`, {
        customerId: pending.customerId,
        code: 'ExportPendingNotRemoved',
      });
    }
  }
}

/** Attempts whose pending list is kept between their collection and run exports (a few run at once per process). */
const LISTED_ATTEMPTS = 64;

function attemptKey(attempt: RunAttempt): string {
  return `${attempt.customerId}\n${attempt.runId}\n${attempt.attempt}`;
}

/** A stable code and a plain explanation for an upload failure (the SDK aggregates one error per failed call). */
export function describeExportFailure(error: unknown): { code: string; message: string } {
  const first =
    error && typeof error === 'object' && 'errors' in error && Array.isArray(error.errors)
      ? (error.errors[0] as { cause?: unknown } | undefined)?.cause
      : error;
  const status = isRestError(first) ? first.statusCode : undefined;
  const detail = describeError(first ?? error);
  switch (status) {
    case 401:
    case 403:
      return {
        code: 'LogsIngestionForbidden',
        message: `the app's identity may not send through the data collection rule: grant it Monitoring Metrics Publisher on the rule (infra/modules/rbac.bicep does). ${detail}`,
      };
    case 404:
      return {
        code: 'LogsIngestionRuleNotFound',
        message: `check LOGS_INGESTION_RULE_ID and LOGS_INGESTION_ENDPOINT. ${detail}`,
      };
    case 400:
      return {
        code: 'LogsIngestionRejected',
        message: `the rule refused the rows (stream or columns differ from what this version sends: redeploy infra/). ${detail}`,
      };
    case 413:
      return { code: 'LogsIngestionTooLarge', message: detail };
    case 429:
      return { code: 'LogsIngestionThrottled', message: detail };
    default:
      return { code: 'LogsIngestionFailed', message: detail };
  }
}
