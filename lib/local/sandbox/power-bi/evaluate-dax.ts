import { capacityLoad, MODEL_LAG_MS, type CapacityProfile } from './capacity-load';
import { MODEL_VERSIONS, type SandboxModelVersion } from './capacity-metrics-model-versions';

/** Power BI executeQueries limits (Datasets - Execute Queries, "Limitations"). */
const MAX_ROWS = 100_000;
const MAX_VALUES = 1_000_000;

export interface DaxModelCapacity {
  readonly id: string;
  readonly cuLimit: number;
  readonly profile: CapacityProfile;
}

export type DaxResult =
  | { readonly ok: true; readonly rows: Record<string, unknown>[]; readonly error?: { code: string; message: string } }
  | { readonly ok: false; readonly message: string };

/**
 * Evaluates the few DAX query shapes a Capacity Metrics client sends (version probes, the capacity
 * list, one capacity's timepoints for a day) against a generated model of `version`. Every table,
 * column, measure and M parameter named must exist in that version, as the engine requires; any
 * other query is refused rather than guessed at. Column names in results follow the documented rule:
 * fully qualified columns as `Table[Column]`, aliases as `[Alias]`.
 */
export function evaluateDax(
  query: string,
  version: SandboxModelVersion,
  capacities: readonly DaxModelCapacity[],
  now: Date,
): DaxResult {
  const schema = MODEL_VERSIONS[version];
  const lower = (s: string) => s.toLowerCase();
  const measures = new Map(Object.entries(schema.measures).map(([name, q]) => [lower(name), q]));
  const tables = new Map(Object.entries(schema.tables).map(([t, cols]) => [lower(t), new Set(cols.map(lower))]));

  for (const m of query.matchAll(/MPARAMETER\s+'([^']+)'/gi)) {
    const name = m[1] as string;
    if (!schema.parameters.some((p) => lower(p) === lower(name)))
      return fail(query, m.index, `The M parameter '${name}' cannot be found in the model.`);
  }
  // Every [name]: qualified by a table ('Table'[x] or Table[x]) it is a column, unless the table is
  // 'All Measures'; unqualified it is a measure.
  for (const m of query.matchAll(/(?:'([^']+)'|\b([A-Za-z_][A-Za-z0-9_]*))?\[([^\]]+)\]/g)) {
    const table = m[1] ?? m[2];
    const name = m[3] as string;
    if (query[(m.index ?? 0) - 1] === '"') continue; // inside a string literal such as "[x]"
    if (!table || lower(table) === 'all measures') {
      if (!measures.has(lower(name)))
        return fail(query, m.index, `The value for '${name}' cannot be determined. Either the measure doesn't exist.`);
      continue;
    }
    const columns = tables.get(lower(table));
    if (!columns) return fail(query, m.index, `Failed to resolve name '${table}'. It is not a valid table.`);
    if (!columns.has(lower(name)))
      return fail(
        query,
        m.index,
        `Column '${name}' in table '${table}' cannot be found or may not be used in this expression.`,
      );
  }
  for (const m of query.matchAll(
    /\b(?:FILTER|SELECTCOLUMNS|TREATAS)\s*\(\s*(?:\{[^}]*\}\s*,\s*)?'?([A-Za-z ]+?)'?\s*[,[]/gi,
  )) {
    const table = (m[1] as string).trim();
    if (!tables.has(lower(table)))
      return fail(query, m.index, `Failed to resolve name '${table}'. It is not a valid table.`);
  }

  const aliases = [...query.matchAll(/"([^"]+)"\s*,\s*(?:'All Measures')?\[([^\]]+)\]/gi)].map((m) => ({
    alias: m[1] as string,
    quantity: measures.get(lower(m[2] as string)) ?? 'other',
  }));
  const guids = [...query.matchAll(/"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/gi)].map(
    (m) => m[1] as string,
  );

  if (/\bSELECTCOLUMNS\s*\(\s*Capacities\b/i.test(query)) {
    const alias = /SELECTCOLUMNS\s*\(\s*Capacities\s*,\s*"([^"]+)"/i.exec(query)?.[1] ?? schema.capacityIdColumn;
    return { ok: true, rows: capacities.map((c) => ({ [`[${alias}]`]: c.id.toUpperCase() })) };
  }
  if (/'?TimePoints'?\[TimePoint\]/i.test(query)) {
    const date = /DATE\s*\(\s*(\d{4})\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)/i.exec(query);
    const capacity = capacities.find((c) => guids.some((g) => lower(g) === lower(c.id)));
    if (!date || !capacity) return { ok: true, rows: [] };
    const dayStart = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    const newest = now.getTime() - MODEL_LAG_MS;
    const rows: Record<string, unknown>[] = [];
    for (let at = dayStart; at < dayStart + 86_400_000 && at <= newest; at += 30_000) {
      const load = capacityLoad(capacity.profile, capacity.cuLimit, at);
      const row: Record<string, unknown> = { 'TimePoints[TimePoint]': new Date(at).toISOString().slice(0, 19) };
      for (const { alias, quantity } of aliases) row[`[${alias}]`] = load[quantity];
      rows.push(row);
    }
    const columns = aliases.length + 1;
    const allowed = Math.min(MAX_ROWS, Math.floor(MAX_VALUES / columns));
    if (rows.length > allowed) {
      return {
        ok: true,
        rows: rows.slice(0, allowed),
        error: { code: 'MaxRowsExceeded', message: `More than ${allowed} rows in a query result` },
      };
    }
    return { ok: true, rows };
  }
  if (/^\s*(DEFINE[\s\S]*?)?EVALUATE\s+(ROW|SUMMARIZECOLUMNS)\s*\(/i.test(query) && aliases.length > 0) {
    const probe = capacityLoad('steady', 64, now.getTime());
    return { ok: true, rows: [Object.fromEntries(aliases.map((a) => [`[${a.alias}]`, probe[a.quantity]]))] };
  }
  return { ok: false, message: 'Query (1, 1) The sandbox evaluates only the Capacity Metrics app query shapes.' };
}

function fail(query: string, index: number | undefined, message: string): DaxResult {
  const before = query.slice(0, index ?? 0).split('\n');
  const line = before.length;
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  return { ok: false, message: `Query (${line}, ${column}) ${message}` };
}
