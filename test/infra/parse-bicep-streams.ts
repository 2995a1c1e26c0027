import { maskBicepText } from './mask-bicep-text';

export interface BicepColumn {
  readonly name: string;
  readonly type: string;
}

/** `var xColumns = [ { name: 'A', type: 'string' } … ]` → the column list, for every such variable. */
export function parseColumnVariables(bicep: string): Map<string, BicepColumn[]> {
  const code = maskBicepText(bicep, { keepStrings: true });
  const found = new Map<string, BicepColumn[]>();
  for (const match of code.matchAll(/^var\s+(\w+Columns)\s*=\s*\[([\s\S]*?)^\]/gm)) {
    const columns = [...(match[2] ?? '').matchAll(/\{\s*name:\s*'([^']+)',\s*type:\s*'([^']+)'\s*\}/g)].map((c) => ({
      name: c[1] ?? '',
      type: c[2] ?? '',
    }));
    found.set(match[1] ?? '', columns);
  }
  return found;
}

/** The rule's `streamDeclarations`: stream name → declared columns (resolved through the column variables). */
export function parseBicepStreams(bicep: string): Record<string, BicepColumn[]> {
  const code = maskBicepText(bicep, { keepStrings: true });
  const variables = parseColumnVariables(bicep);
  const block = /streamDeclarations:\s*\{([\s\S]*?)\n\s{4}\}/.exec(code)?.[1] ?? '';
  const streams: Record<string, BicepColumn[]> = {};
  for (const m of block.matchAll(/'([^']+)':\s*\{\s*columns:\s*(\w+)\s*\}/g)) {
    streams[m[1] ?? ''] = variables.get(m[2] ?? '') ?? [];
  }
  return streams;
}

/** The `exportTables` variable: table → stream and the column variable both its schema and its stream use. */
export function parseBicepTables(bicep: string): Array<{ table: string; stream: string; columns: BicepColumn[] }> {
  const code = maskBicepText(bicep, { keepStrings: true });
  const variables = parseColumnVariables(bicep);
  const block = /^var\s+exportTables\s*=\s*\[([\s\S]*?)^\]/m.exec(code)?.[1] ?? '';
  return [...block.matchAll(/\{\s*table:\s*'([^']+)',\s*stream:\s*'([^']+)',\s*columns:\s*(\w+)\s*\}/g)].map((m) => ({
    table: m[1] ?? '',
    stream: m[2] ?? '',
    columns: variables.get(m[3] ?? '') ?? [],
  }));
}
