/**
 * Every value of a repeatable query parameter: `?metric=a&metric=b` and `?metric=a,b` alike
 * (`split: false` for values that may hold commas). Empty values are dropped.
 */
export function readQueryList(query: URLSearchParams, name: string, split = true): string[] {
  const values = query.getAll(name).flatMap((v) => (split ? v.split(',') : [v]));
  return values.map((v) => v.trim()).filter((v) => v.length > 0);
}
