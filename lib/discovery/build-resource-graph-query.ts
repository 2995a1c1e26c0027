/**
 * The Kusto (KQL) query that lists every resource of the given types. Resource Graph stores types in
 * lower case; `in~` compares case-insensitively anyway, so configured types may use ARM's casing.
 * `order by id asc` makes pages stable while `$skipToken` walks them. Types are validated by the
 * customer schema (letters, digits, dots, slashes); quotes are still escaped so the query can never
 * be broken out of.
 */
export function buildResourceGraphQuery(resourceTypes: readonly string[]): string {
  if (resourceTypes.length === 0) throw new RangeError('at least one resource type is required');
  const list = [...new Set(resourceTypes.map((t) => t.toLowerCase()))].map(quoteKql).join(', ');
  return `Resources | where type in~ (${list}) | project id, name, type, location | order by id asc`;
}

function quoteKql(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
