/**
 * A table string property holds at most 64 KiB (32K UTF-16 characters; more is `PropertyValueTooLarge`),
 * an entity 1 MiB and 255 properties. A JSON value that may outgrow one property is spread over
 * `name`, `name1`, `name2`, ... of at most JSON_PART_CHARS characters each.
 */
export const JSON_PART_CHARS = 30_000;
/** Parts per value: 14 × 30K characters (840 KB as UTF-16) leaves room in the 1 MiB entity for the rest. */
export const MAX_JSON_PARTS = 14;
/** The longest JSON text one entity can carry in parts. */
export const MAX_JSON_CHARS = JSON_PART_CHARS * MAX_JSON_PARTS;

/** `{ [name]: part0, [name + '1']: part1, ... }` for `json` (at most MAX_JSON_CHARS characters). */
export function toJsonParts(name: string, json: string): Record<string, string> {
  if (json.length > MAX_JSON_CHARS)
    throw new RangeError(`${name} is ${json.length} characters; at most ${MAX_JSON_CHARS} fit in one entity`);
  const parts: Record<string, string> = { [name]: json.slice(0, JSON_PART_CHARS) };
  for (let i = JSON_PART_CHARS, part = 1; i < json.length; i += JSON_PART_CHARS, part++) {
    parts[`${name}${part}`] = json.slice(i, i + JSON_PART_CHARS);
  }
  return parts;
}

/** Joins `name`, `name1`, ... of an entity back into the JSON text (undefined when `name` is absent). */
export function fromJsonParts(entity: object, name: string): string | undefined {
  const fields = entity as Record<string, unknown>;
  if (typeof fields[name] !== 'string') return undefined;
  let json = fields[name] as string;
  for (let part = 1; typeof fields[`${name}${part}`] === 'string'; part++) json += fields[`${name}${part}`] as string;
  return json;
}
