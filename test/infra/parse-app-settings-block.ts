import { maskBicepText } from './mask-bicep-text';

export const APP_SETTINGS_BEGIN = '// ---- app settings: begin ----';
export const APP_SETTINGS_END = '// ---- app settings: end ----';

/**
 * Reads the app settings the function app module sets: the one `var appSettings = { … }`
 * between the begin/end marker comments, one `NAME: value` per line. Returns name → value
 * expression (Bicep source text). Throws on anything it cannot read with certainty
 * (missing or repeated markers, nesting, spreads, duplicate names), so a test built on it
 * fails loudly instead of passing on a half-read block.
 */
export function parseAppSettingsBlock(bicep: string): Map<string, string> {
  const begin = bicep.indexOf(APP_SETTINGS_BEGIN);
  const end = bicep.indexOf(APP_SETTINGS_END);
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(`App settings markers not found: expected "${APP_SETTINGS_BEGIN}" … "${APP_SETTINGS_END}"`);
  }
  if (bicep.indexOf(APP_SETTINGS_BEGIN, begin + 1) !== -1 || bicep.indexOf(APP_SETTINGS_END, end + 1) !== -1) {
    throw new Error('App settings markers appear more than once');
  }
  // Values keep their strings but lose trailing comments.
  const withStrings = maskBicepText(bicep.slice(begin, end), { keepStrings: true }).split('\n');
  const masked = maskBicepText(bicep.slice(begin, end)).split('\n');
  const settings = new Map<string, string>();
  let state = 'before' as 'before' | 'inside' | 'after';
  for (const [index, line] of masked.entries()) {
    const code = line.trim();
    if (code === '') continue;
    if (state === 'before') {
      if (!/^var\s+appSettings\s*=\s*\{$/.test(code)) {
        throw new Error(`Expected "var appSettings = {" as the block's first code line, got: ${code}`);
      }
      state = 'inside';
    } else if (state === 'inside') {
      if (code === '}') {
        state = 'after';
        continue;
      }
      const key = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(\S.*)$/.exec(code);
      if (!key?.[1] || /[{[]\s*$/.test(code)) {
        throw new Error(`App settings line is not "NAME: value": ${withStrings[index]?.trim() ?? code}`);
      }
      const name = key[1];
      if (settings.has(name)) throw new Error(`App setting ${name} is set twice`);
      const value = (withStrings[index] ?? '').slice((withStrings[index] ?? '').indexOf(':') + 1).trim();
      settings.set(name, value);
    } else {
      throw new Error(`Unexpected code after the appSettings literal: ${code}`);
    }
  }
  if (state !== 'after') throw new Error('The appSettings literal is not closed inside the markers');
  return settings;
}
