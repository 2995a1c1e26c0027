const DAY_MS = 86_400_000;

/**
 * Whether collecting this window also drops the customer's audit entries past retention. Retention is counted
 * in days, so once a day is enough: the first window starting on each UTC day prunes (one row-range query of
 * the customer's partition), the day's other windows skip it, and an entry outlives AUDIT_RETENTION_DAYS by
 * at most a day. An hourly customer makes 1 prune query a day instead of 24, in Azure (transactions billed per
 * request) as in Azurite (which scans the whole audit table for every query). A window of a day or longer is
 * always the first of its day.
 */
export function prunesAuditRetention(window: { readonly windowStart: string; readonly windowEnd: string }): boolean {
  const start = Date.parse(window.windowStart);
  const previousStart = start - (Date.parse(window.windowEnd) - start);
  return Math.floor(start / DAY_MS) !== Math.floor(previousStart / DAY_MS);
}
