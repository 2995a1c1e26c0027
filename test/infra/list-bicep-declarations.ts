import { findBlockEnd } from './find-block-end';
import { maskBicepText } from './mask-bicep-text';

export interface BicepParam {
  readonly name: string;
  /** True when the declaration has `= default`. */
  readonly hasDefault: boolean;
}

export interface BicepModuleRef {
  /** Symbolic name, e.g. `storage` in `module storage 'modules/storage.bicep'`. */
  readonly name: string;
  /** The path as written (relative to the declaring file). */
  readonly path: string;
  /** Keys of its `params: { … }` object. */
  readonly paramKeys: readonly string[];
}

export interface BicepDeclarations {
  readonly params: readonly BicepParam[];
  readonly modules: readonly BicepModuleRef[];
  /** `var name = value` where the value fits on the declaration line (source text). */
  readonly variables: ReadonlyMap<string, string>;
}

/**
 * Lists the top-level params, module references and one-line variables of a Bicep file.
 * A text reading (no Bicep compiler exists on this machine), enough for the infra checks.
 */
export function listBicepDeclarations(bicep: string): BicepDeclarations {
  const masked = maskBicepText(bicep);
  const params: BicepParam[] = [];
  const modules: BicepModuleRef[] = [];
  const variables = new Map<string, string>();

  for (const match of masked.matchAll(/^[ \t]*param[ \t]+(\w+)[ \t]+[^\n=]*(=)?[^\n]*$/gm)) {
    if (match[1]) params.push({ name: match[1], hasDefault: match[2] === '=' });
  }

  for (const match of masked.matchAll(/^[ \t]*var[ \t]+(\w+)[ \t]*=[ \t]*(\S[^\n]*)$/gm)) {
    const name = match[1];
    const valueStart = (match.index ?? 0) + match[0].length - (match[2]?.length ?? 0);
    const lineEnd = bicep.indexOf('\n', valueStart);
    if (name) variables.set(name, bicep.slice(valueStart, lineEnd === -1 ? undefined : lineEnd).trim());
  }

  for (const match of masked.matchAll(/^[ \t]*module[ \t]+(\w+)[ \t]+'/gm)) {
    const name = match[1];
    const pathStart = (match.index ?? 0) + match[0].length;
    const path = bicep.slice(pathStart, bicep.indexOf("'", pathStart));
    const open = masked.indexOf('{', pathStart);
    const body = masked.slice(open, findBlockEnd(masked, open) + 1);
    if (name) modules.push({ name, path, paramKeys: listObjectKeys(body, 'params') });
  }

  return { params, modules, variables };
}

/** Keys of the object literal under `key:` at the top level of `body` (a masked `{ … }`). */
function listObjectKeys(body: string, key: string): string[] {
  const at = new RegExp(`^[ \\t]*${key}[ \\t]*:[ \\t]*\\{`, 'm').exec(body);
  if (!at) return [];
  const open = at.index + at[0].length - 1;
  const object = body.slice(open + 1, findBlockEnd(body, open));
  const keys: string[] = [];
  let depth = 0;
  for (const line of object.split('\n')) {
    const keyMatch = /^[ \t]*(\w+)[ \t]*:/.exec(line);
    if (depth === 0 && keyMatch?.[1]) keys.push(keyMatch[1]);
    for (const c of line) {
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
    }
  }
  return keys;
}
