/**
 * Given masked Bicep text (see maskBicepText) and the index of a `{` or `[`, returns the
 * index of the matching closing bracket. Throws when it is not closed.
 */
export function findBlockEnd(masked: string, openIndex: number): number {
  const open = masked[openIndex];
  const close = open === '{' ? '}' : open === '[' ? ']' : undefined;
  if (!close) throw new Error(`No bracket at index ${openIndex}`);
  let depth = 0;
  for (let i = openIndex; i < masked.length; i++) {
    if (masked[i] === open) depth++;
    else if (masked[i] === close && --depth === 0) return i;
  }
  throw new Error(`Unclosed ${open} at index ${openIndex}`);
}
