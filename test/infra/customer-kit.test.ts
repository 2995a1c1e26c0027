import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const KIT = join(__dirname, '../../infra/customer');
const files = readdirSync(KIT, { recursive: true, encoding: 'utf8' });
const role = JSON.parse(readFileSync(join(KIT, 'collector-reader-role.json'), 'utf8')) as Record<string, unknown>;
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

/** Built-in read-only roles Lighthouse may grant (ids are the same in every cloud). */
const READ_ONLY_BUILT_IN = new Set(['acdd72a7-3385-48ef-bd42-f606fba81ae7', '43d0d8ad-25c7-4714-9337-8ba259a9fe05']);

describe('infra/customer (the customer setup kit)', () => {
  it('defines a custom role in the shape New-AzRoleDefinition / az role definition create accept', () => {
    expect(Object.keys(role).sort()).toEqual(
      [
        'Actions',
        'AssignableScopes',
        'DataActions',
        'Description',
        'IsCustom',
        'Name',
        'NotActions',
        'NotDataActions',
      ].sort(),
    );
    expect(role.IsCustom).toBe(true);
    expect(typeof role.Name).toBe('string');
    expect(role.AssignableScopes).toEqual(['/subscriptions/00000000-0000-0000-0000-000000000000']);
  });

  it('grants read actions only: metrics, metric definitions and resource reads, no data plane', () => {
    const actions = role.Actions as string[];
    expect(actions).toContain('Microsoft.Insights/metrics/read');
    expect(actions).toContain('Microsoft.Insights/metricDefinitions/read');
    for (const action of actions) expect(action, action).toMatch(/^Microsoft\.[A-Za-z]+(\/[A-Za-z]+)+\/read$/);
    expect(actions.some((a) => a.includes('*'))).toBe(false);
    expect(role.DataActions).toEqual([]);
    expect(role.NotDataActions).toEqual([]);
  });

  it('has a Lighthouse template that delegates read-only built-in roles to one principal', () => {
    const template = JSON.parse(readFileSync(join(KIT, 'lighthouse/lighthouse-delegation.json'), 'utf8')) as {
      variables: Record<string, string>;
      resources: { type: string; properties: { authorizations?: { roleDefinitionId: string }[] } }[];
    };
    const types = template.resources.map((r) => r.type);
    expect(types).toEqual([
      'Microsoft.ManagedServices/registrationDefinitions',
      'Microsoft.ManagedServices/registrationAssignments',
    ]);
    const authorizations = template.resources[0]?.properties.authorizations ?? [];
    expect(authorizations).toHaveLength(2);
    for (const a of authorizations) {
      const id = /variables\('([^']+)'\)/.exec(a.roleDefinitionId)?.[1] ?? '';
      expect(READ_ONLY_BUILT_IN.has(template.variables[id] ?? '')).toBe(true);
    }
  });

  it('gives each auth mode, the provider federated app and the optional delivery grant a PowerShell and a bash script', () => {
    for (const folder of ['client-secret', 'certificate', 'federated-identity', 'lighthouse', 'provider', 'delivery']) {
      const inFolder = files.filter((f) => f.startsWith(`${folder}/`));
      expect(
        inFolder.some((f) => f.endsWith('.ps1')),
        folder,
      ).toBe(true);
      expect(
        inFolder.some((f) => f.endsWith('.sh')),
        folder,
      ).toBe(true);
    }
  });

  it.skipIf(!hasShellcheck)('passes shellcheck on every bash script', () => {
    const scripts = files.filter((f) => f.endsWith('.sh')).map((f) => join(KIT, f));
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    // Throws with shellcheck's findings when there are any.
    expect(execFileSync('shellcheck', ['--severity=style', ...scripts], { encoding: 'utf8' })).toBe('');
  });
});
