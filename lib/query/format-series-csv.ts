import type { SeriesPoint } from './roll-up-points';

/** A series as the query API returns it. */
export interface QuerySeries {
  readonly resourceId: string;
  readonly metric: string;
  /** The dimension values of a split series. */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly unit?: string;
  readonly interval?: string;
  readonly points: readonly SeriesPoint[];
}

const CSV_COLUMNS = [
  'customerId',
  'resourceId',
  'resourceName',
  'metric',
  'unit',
  'interval',
  'timestamp',
  'minimum',
  'average',
  'maximum',
  'total',
  'count',
  'dimensions',
  'provisional',
] as const;

/**
 * RFC 4180 CSV, one row per point, header first, CRLF line ends (what Excel and Power BI expect).
 * Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) are prefixed
 * with `'`: metric and resource names come from customers' tenants and are not ours to trust.
 */
export function formatSeriesCsv(customerId: string, series: readonly QuerySeries[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of series) {
    const name = s.resourceId.split('/').pop() ?? '';
    const dimensions = Object.entries(s.dimensions ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    for (const p of s.points) {
      lines.push(
        [
          text(customerId),
          text(s.resourceId),
          text(name),
          text(s.metric),
          text(s.unit ?? ''),
          text(s.interval ?? ''),
          p.timestamp,
          num(p.minimum),
          num(p.average),
          num(p.maximum),
          num(p.total),
          num(p.count),
          text(dimensions),
          p.provisional ? 'true' : '',
        ].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function text(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function num(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}
