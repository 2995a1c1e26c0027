import { SETTINGS } from './settings';

/**
 * The README's settings table, rendered from the catalogue. A test checks that README.md contains
 * exactly this text, so the docs cannot drift from the code.
 */
export function renderSettingsTable(): string {
  const rows = SETTINGS.map((s) => {
    const fallback = 'default' in s ? `\`${s.default}\`` : s.required ? '**required**' : '—';
    return `| \`${s.name}\` | ${fallback} | ${s.description} |`;
  });
  return ['| Setting | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
