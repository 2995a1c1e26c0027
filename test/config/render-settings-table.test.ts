import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSettingsTable } from '../../lib/config/render-settings-table';
import { SETTINGS } from '../../lib/config/settings';

describe('renderSettingsTable', () => {
  it('lists every setting once, with its default or "required"', () => {
    const table = renderSettingsTable();
    for (const s of SETTINGS) expect(table).toContain(`| \`${s.name}\` |`);
    expect(table).toContain('| `KEY_VAULT_URL` | **required** |');
    expect(table).toContain('| `COLLECT_SCHEDULE` | `0 0 * * * *` |');
  });

  it('is the table README.md shows (regenerate with `npm run docs:settings`)', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(renderSettingsTable());
  });
});
