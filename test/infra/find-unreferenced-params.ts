import { listBicepDeclarations } from './list-bicep-declarations';
import { maskBicepText } from './mask-bicep-text';

/**
 * Names of params that a Bicep file declares but never reads. An object key with the same
 * name (`location: 'x'`) is not a read; a value (`location: location`), an interpolation
 * (`'${location}'`) or an argument is.
 */
export function findUnreferencedParams(bicep: string): string[] {
  const masked = maskBicepText(bicep)
    .split('\n')
    .filter((line) => !/^\s*param\s/.test(line))
    .join('\n');
  return listBicepDeclarations(bicep)
    .params.map((p) => p.name)
    .filter((name) => {
      const uses = new RegExp(`(?<![\\w.$])${name}(?!\\w)`, 'g');
      for (const match of masked.matchAll(uses)) {
        const before = masked.slice(masked.lastIndexOf('\n', match.index) + 1, match.index);
        const after = masked.slice(match.index + name.length);
        const isKey = /^\s*:/.test(after) && /^[\s{,]*$/.test(before);
        if (!isKey) return false;
      }
      return true;
    });
}
