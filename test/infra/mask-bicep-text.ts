/**
 * Returns the Bicep text with comments and the literal parts of strings replaced by spaces
 * (newlines kept), so that positions match the original. Code inside `${…}` interpolations
 * stays visible, so `'${name}'` still counts as a use of `name`.
 *
 * Structure (keywords, braces, keys) is read from the masked text; values such as module
 * paths and GUIDs are then read from the original text at the same positions.
 * With `keepStrings`, only comments are blanked.
 */
export function maskBicepText(text: string, options: { readonly keepStrings?: boolean } = {}): string {
  const out = text.split('');
  const blank = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  const blankString = options.keepStrings ? (): void => undefined : blank;
  // Each entry is the brace depth at which an interpolation started; when it closes we are
  // back inside the string that opened it.
  const interpolations: number[] = [];
  let depth = 0;
  let i = 0;
  // Scans string characters from `i` (just after a quote or an interpolation's `}`) up to
  // and including the closing quote, or up to an interpolation's `${`.
  const scanStringBody = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') {
        blankString(i, i + 2);
        i += 2;
      } else if (c === "'") {
        i++;
        return;
      } else if (c === '$' && text[i + 1] === '{') {
        interpolations.push(depth);
        depth++;
        i += 2;
        return;
      } else {
        blankString(i, i + 1);
        i++;
      }
    }
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      const stop = end === -1 ? text.length : end;
      blankString(i + 3, stop);
      i = stop + 3;
    } else if (c === "'") {
      i++;
      scanStringBody();
    } else if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (interpolations.length > 0 && interpolations[interpolations.length - 1] === depth) {
        interpolations.pop();
        scanStringBody();
      }
    } else {
      i++;
    }
  }
  return out.join('');
}
