/** The columns the sandbox can project (a subset of Resource Graph's `Resources` table). */
export const RESOURCE_GRAPH_COLUMNS = [
  'id',
  'name',
  'type',
  'location',
  'tags',
  'kind',
  'sku',
  'properties',
  'resourceGroup',
  'subscriptionId',
  'tenantId',
] as const;
export type ResourceGraphColumn = (typeof RESOURCE_GRAPH_COLUMNS)[number];

/** A parsed query of the simple shapes the collector (and the fixture) send. */
export interface ResourceGraphQuery {
  /** Lower-case types to keep; undefined keeps every type. */
  readonly types?: readonly string[];
  readonly columns?: readonly ResourceGraphColumn[];
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
}

/**
 * Parses `Resources | where type in~ ('a', 'b') | project id, name | order by id asc | limit 3`
 * (also `type =~ 'a'` / `type == 'a'` and `take`). Not a KQL parser: the sandbox only answers the
 * shapes this product generates and the Azure example uses; anything else is `undefined`, which the
 * route answers as Resource Graph answers an invalid query.
 */
export function parseResourceGraphQuery(text: string): ResourceGraphQuery | undefined {
  const [table, ...operators] = splitPipes(text).map((part) => part.trim());
  if (table?.toLowerCase() !== 'resources') return undefined;
  let query: ResourceGraphQuery = {};
  for (const operator of operators) {
    const inList = /^where\s+type\s+in~\s*\(([^)]*)\)$/i.exec(operator);
    const equals = /^where\s+type\s+(?:=~|==)\s*'([^']*)'$/i.exec(operator);
    const project = /^project\s+(.+)$/i.exec(operator);
    const order = /^(?:order|sort)\s+by\s+id(?:\s+(asc|desc))?$/i.exec(operator);
    const limit = /^(?:limit|take)\s+(\d+)$/i.exec(operator);
    if (inList) {
      const types = parseQuotedList(inList[1] ?? '');
      if (!types) return undefined;
      query = { ...query, types };
    } else if (equals) {
      query = { ...query, types: [(equals[1] ?? '').toLowerCase()] };
    } else if (project?.[1]) {
      const columns = project[1].split(',').map((c) => c.trim());
      const known = columns.filter((c): c is ResourceGraphColumn =>
        (RESOURCE_GRAPH_COLUMNS as readonly string[]).includes(c),
      );
      if (known.length !== columns.length) return undefined;
      query = { ...query, columns: known };
    } else if (order) {
      query = { ...query, order: order[1]?.toLowerCase() === 'desc' ? 'desc' : 'asc' };
    } else if (limit?.[1]) {
      query = { ...query, limit: Number(limit[1]) };
    } else {
      return undefined;
    }
  }
  return query;
}

function parseQuotedList(text: string): string[] | undefined {
  const items = text.split(',').map((item) => item.trim());
  const values: string[] = [];
  for (const item of items) {
    const quoted = /^'([^']*)'$/.exec(item) ?? /^"([^"]*)"$/.exec(item);
    if (!quoted) return undefined;
    values.push((quoted[1] ?? '').toLowerCase());
  }
  return values;
}

/** Splits on `|` outside quotes. */
function splitPipes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '|') {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}
