import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_TABLES, RESERVED_COLUMN_NAMES } from '../../lib/export/export-tables';
import { SETTINGS } from '../../lib/config/settings';
import { parseBicepStreams, parseBicepTables } from './parse-bicep-streams';

const BICEP = readFileSync(join(__dirname, '../../infra/modules/logs-export.bicep'), 'utf8');
const tables = parseBicepTables(BICEP);
const streams = parseBicepStreams(BICEP);
const columnsOf = (list: ReadonlyArray<{ name: string; type: string }>) => list.map((c) => `${c.name}:${c.type}`);

describe('logs-export.bicep vs lib/export/export-tables.ts', () => {
  it('declares every table the app sends to, with the same columns in the same order', () => {
    expect(tables.map((t) => t.table).sort()).toEqual(EXPORT_TABLES.map((t) => t.table).sort());
    for (const app of EXPORT_TABLES) {
      const bicep = tables.find((t) => t.table === app.table);
      expect(bicep?.stream, app.table).toBe(app.stream);
      expect(columnsOf(bicep?.columns ?? []), app.table).toEqual(columnsOf(app.columns));
    }
  });

  it("declares each of the rule's streams with its table's columns", () => {
    expect(Object.keys(streams).sort()).toEqual(EXPORT_TABLES.map((t) => t.stream).sort());
    for (const app of EXPORT_TABLES)
      expect(columnsOf(streams[app.stream] ?? []), app.stream).toEqual(columnsOf(app.columns));
  });

  it('sends each stream to its own table, untransformed', () => {
    // One data flow per exportTables entry: stream → Custom-<table>, untransformed.
    expect(BICEP).toMatch(
      /for t in exportTables: \{\s*streams: \[t\.stream\][\s\S]*?transformKql: 'source'\s*outputStream: 'Custom-\$\{t\.table\}'/,
    );
  });

  it('follows the Logs Ingestion naming rules: _CL tables, Custom- streams, TimeGenerated, no reserved or long names', () => {
    for (const t of EXPORT_TABLES) {
      expect(t.table).toMatch(/^[A-Za-z][A-Za-z0-9_]*_CL$/);
      expect(t.stream).toMatch(/^Custom-/);
      expect(t.columns[0]).toMatchObject({ name: 'TimeGenerated', type: 'datetime' });
      for (const c of t.columns) {
        expect(c.name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,44}$/);
        expect(RESERVED_COLUMN_NAMES.map((n) => n.toLowerCase())).not.toContain(c.name.toLowerCase());
      }
      expect(new Set(t.columns.map((c) => c.name)).size).toBe(t.columns.length);
    }
  });

  it('defaults the stream settings to the streams the Bicep declares', () => {
    const defaults = SETTINGS.filter((s) => /^LOGS_\w+_STREAM$/.test(s.name)).map((s) =>
      'default' in s ? s.default : '',
    );
    expect(defaults.sort()).toEqual(EXPORT_TABLES.map((t) => t.stream).sort());
  });
});
