import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_TABLES } from '../../lib/export/export-tables';
import { listQueryIdentifiers } from './list-query-identifiers';

const ROOT = join(__dirname, '../..');
const QUERIES = join(ROOT, 'infra/queries');
const files = readdirSync(QUERIES).filter((f) => f.endsWith('.kql'));
const read = (file: string) => readFileSync(join(QUERIES, file), 'utf8');
const FLEET = readFileSync(join(ROOT, 'infra/modules/fleet-monitoring.bicep'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('fleet queries (infra/queries/*.kql)', () => {
  it.each(files)('%s names only tables the export creates and columns they have', (file) => {
    const { tables, unknown } = listQueryIdentifiers(read(file), EXPORT_TABLES);
    expect(tables.length, 'queries at least one export table').toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });

  it('finds an unknown column (the check can fail)', () => {
    const { unknown } = listQueryIdentifiers(
      "CtcRuns_CL | where Outcom == 'failed' | project CustomerId",
      EXPORT_TABLES,
    );
    expect(unknown).toEqual(['Outcom']);
  });

  it('backs each alert rule and workbook panel with a query file, and every file is used', () => {
    const loaded = [...FLEET.matchAll(/loadTextContent\('\.\.\/queries\/([^']+)'\)/g)].map((m) => m[1]);
    expect(loaded.sort()).toEqual(files.sort());
    expect(FLEET.match(/name: 'ctc-[a-z-]+'/g)).toEqual([
      "name: 'ctc-customer-needs-action'",
      "name: 'ctc-secret-expiring'",
      "name: 'ctc-capacity-throttling'",
      "name: 'ctc-collection-gap'",
    ]);
  });

  it('shows the workbook queries in README verbatim, for Grafana and Power BI users', () => {
    const readmeQueries = [
      'throttled-capacities-this-week.kql',
      'customers-by-state.kql',
      'capacities-by-cu.kql',
      'secret-expiry.kql',
      'calls-and-cost.kql',
      'cpu-climbing.kql',
    ];
    for (const file of readmeQueries) expect(README, file).toContain(read(file).trim());
  });
});
