import type { ExportTable } from '../../lib/export/export-tables';

/**
 * The capitalised identifiers of a KQL query that are neither a table, a column of a table it reads,
 * nor a name the query itself defines (`Name = …` in extend/project/summarize). KQL's own keywords and
 * functions are lower case, so what is left is a column the tables do not have.
 */
export function listQueryIdentifiers(
  kql: string,
  known: readonly ExportTable[],
): { tables: string[]; unknown: string[] } {
  const code = kql
    .replace(/\/\/.*$/gm, ' ')
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const identifiers = [...code.matchAll(/\b[A-Za-z_][A-Za-z0-9_]*\b/g)].map((m) => m[0]);
  const tables = known.filter((t) => identifiers.includes(t.table));
  const columns = new Set(tables.flatMap((t) => t.columns.map((c) => c.name)));
  const defined = new Set([...code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/g)].map((m) => m[1]));
  const unknown = identifiers.filter(
    (id) => /^[A-Z]/.test(id) && !columns.has(id) && !defined.has(id) && !tables.some((t) => t.table === id),
  );
  return { tables: tables.map((t) => t.table), unknown: [...new Set(unknown)] };
}
