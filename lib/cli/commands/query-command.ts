import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-context';
import { CliError, EXIT_USAGE } from '../cli-error';
import { formatTable } from '../format-table';
import { renderSparkline } from '../render-sparkline';
import { withProgress } from '../with-progress';

interface Point {
  timestamp: string;
  minimum?: number;
  average?: number;
  maximum?: number;
  total?: number;
}
interface Series {
  resourceId: string;
  metric: string;
  dimensions?: Record<string, string>;
  unit?: string;
  interval?: string;
  points: Point[];
}
interface Page {
  series: Series[];
  continuationToken?: string;
  from: string;
  to: string;
}

/** A runaway loop guard: the API's own bounds end a query long before this. */
const MAX_PAGES = 1000;
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `ctc query <id>`: stored metrics as a table with sparklines, JSON or CSV (every page). */
export function registerQueryCommand(program: Command, context: CliContext): Command {
  return program
    .command('query')
    .description('print stored metrics of a customer (all pages)')
    .argument('<id>', 'customer id')
    .option('--resource <id-or-name>', 'resource ARM ID or name, repeatable (default: all)', collect)
    .option('--metric <name>', 'metric name, repeatable (default: all)', collect)
    .option('--since <time>', 'start: relative (24h, 7d) or ISO 8601', '24h')
    .option('--until <time>', 'end: relative or ISO 8601 (default now)')
    .addOption(new Option('--interval <grain>', 'roll up on read').choices(['PT5M', 'PT1H', 'P1D']))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (id: string, options: QueryOptions, command: Command) => {
      const api = context.api(command);
      const query = {
        resource: options.resource,
        metric: options.metric,
        from: options.since,
        to: options.until,
        interval: options.interval,
        format: options.format === 'csv' ? 'csv' : 'json',
      };
      const path = `customers/${encodeURIComponent(id)}/metrics`;
      await withProgress(context.io, `Reading metrics of ${id}`, async () => {
        if (options.format === 'csv') {
          let token: string | undefined;
          let first = true;
          for (let page = 0; page < MAX_PAGES; page++) {
            const { body, headers } = await api.request<string>('GET', path, {
              query: { ...query, continuationToken: token },
              accept: 'text/csv',
            });
            // Later pages repeat the header: keep one.
            context.io.out(first ? body : body.slice(body.indexOf('\r\n') + 2));
            first = false;
            token = headers.get('x-continuation-token') ?? undefined;
            if (!token) return;
          }
          throw new CliError(`More than ${MAX_PAGES} pages; narrow the query`, EXIT_USAGE);
        }
        const series = await readAllPages(api.request.bind(api), path, query);
        if (options.format === 'json')
          return context.io.out(`${JSON.stringify({ customerId: id, series }, null, 2)}\n`);
        context.io.out(renderSeriesTable(series));
      });
    });
}

interface QueryOptions {
  resource?: string[];
  metric?: string[];
  since: string;
  until?: string;
  interval?: string;
  format: 'table' | 'json' | 'csv';
}

type Request = <T>(
  method: string,
  path: string,
  options: { query: Record<string, string | string[] | undefined> },
) => Promise<{ body: T }>;

/** Follows continuation tokens and merges the pages' parts of the same series. */
async function readAllPages(
  request: Request,
  path: string,
  query: Record<string, string | string[] | undefined>,
): Promise<Series[]> {
  const merged = new Map<string, Series>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { body } = await request<Page>('GET', path, { query: { ...query, continuationToken: token } });
    for (const s of body.series) {
      const key = `${s.resourceId}\n${s.metric}\n${JSON.stringify(s.dimensions ?? {})}\n${s.interval ?? ''}`;
      const existing = merged.get(key);
      if (existing) existing.points.push(...s.points);
      else merged.set(key, { ...s, points: [...s.points] });
    }
    token = body.continuationToken;
    if (!token) return [...merged.values()];
  }
  throw new CliError(`More than ${MAX_PAGES} pages; narrow the query`, EXIT_USAGE);
}

/** `BlobCount [Tier=Hot]` for a split series, the metric name otherwise. */
function seriesLabel(s: Series): string {
  const dimensions = Object.entries(s.dimensions ?? {}).map(([k, v]) => `${k}=${v}`);
  return dimensions.length > 0 ? `${s.metric} [${dimensions.join(', ')}]` : s.metric;
}

/** One row per series: name, metric, unit, count, min/avg/max, latest, and a sparkline of the averages. */
function renderSeriesTable(series: readonly Series[]): string {
  const fmt = (v: number | undefined) => (v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(2));
  const rows = series.map((s) => {
    const values = s.points.map((p) => p.average ?? p.total ?? p.maximum);
    const present = values.filter((v): v is number => v !== undefined);
    const mins = s.points.map((p) => p.minimum ?? p.average).filter((v): v is number => v !== undefined);
    const maxs = s.points.map((p) => p.maximum ?? p.average).filter((v): v is number => v !== undefined);
    return [
      s.resourceId.split('/').pop() ?? s.resourceId,
      seriesLabel(s),
      s.unit ?? '',
      String(s.points.length),
      fmt(mins.length ? Math.min(...mins) : undefined),
      fmt(present.length ? present.reduce((a, b) => a + b, 0) / present.length : undefined),
      fmt(maxs.length ? Math.max(...maxs) : undefined),
      fmt(present.at(-1)),
      s.metric === 'CUPercent' ? renderCuTrend(maxs) : renderSparkline(values),
    ];
  });
  return formatTable(['RESOURCE', 'METRIC', 'UNIT', 'POINTS', 'MIN', 'AVG', 'MAX', 'LAST', 'TREND'], rows);
}

/**
 * A Fabric capacity's CU %: the maximum of each interval (throttling hides in the max) on a scale whose
 * top is the 100 % limit (or the peak above it), and how many intervals reached the limit.
 */
function renderCuTrend(maxima: readonly number[]): string {
  const top = Math.max(100, ...maxima);
  const over = maxima.filter((v) => v >= 100).length;
  return `${renderSparkline(maxima, 24, { min: 0, max: top })} ${over > 0 ? `${over}× ≥100 %` : '<100 %'}`;
}
