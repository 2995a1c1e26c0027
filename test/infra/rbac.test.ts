import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBicepDeclarations } from './list-bicep-declarations';
import { listRoleAssignments } from './list-role-assignments';

const INFRA = join(__dirname, '../../infra');
const RBAC = readFileSync(join(INFRA, 'modules/rbac.bicep'), 'utf8');

/** Built-in role IDs (AZURE-NOTES "Infra facts"; the same in every cloud). */
const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'Monitoring Reader': '43d0d8ad-25c7-4714-9337-8ba259a9fe05',
};

/** Control-plane roles the app must never hold. */
const FORBIDDEN_ROLES: Readonly<Record<string, string>> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  'Storage Account Contributor': '17d1049b-9a84-46fb-8f53-869881c3d3ab',
};

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `Storage Blob Data Owner` → `storageBlobDataOwnerRoleId`. */
function roleVariableName(roleName: string): string {
  const words = roleName.split(' ');
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1))).join('') + 'RoleId';
}

const roleVariables = [...listBicepDeclarations(RBAC).variables].filter(([name]) => name.endsWith('RoleId'));
const assignments = listRoleAssignments(RBAC);

describe('rbac.bicep', () => {
  it('names each role ID variable after the built-in role whose GUID it holds', () => {
    expect(roleVariables.length).toBeGreaterThan(0);
    const byVariable = new Map(Object.entries(BUILT_IN_ROLES).map(([role, id]) => [roleVariableName(role), id]));
    const mismatched = roleVariables
      .map(([name, value]) => ({ name, value: value.replace(/'/g, ''), expected: byVariable.get(name) }))
      .filter((v) => v.value !== v.expected);
    expect(mismatched).toEqual([]);
  });

  it('names every assignment guid(scope.id, principal, role) and grants that same role', () => {
    expect(assignments.length).toBeGreaterThan(0);
    const variables = new Set(roleVariables.map(([name]) => name));
    for (const a of assignments) {
      expect(
        a.roleDefinitionVar && variables.has(a.roleDefinitionVar),
        `${a.resource} uses a named role variable`,
      ).toBe(true);
      expect(a.nameGuidArgs, a.resource).toEqual([`${a.scope}.id`, a.principalId, a.roleDefinitionVar]);
    }
  });

  it('grants the app data-plane roles and the operator Key Vault Secrets Officer, nothing else', () => {
    const granted = assignments.map((a) => `${a.principalId} ${a.roleDefinitionVar} @${a.scope}`).sort();
    expect(granted).toEqual(
      [
        'appPrincipalId storageBlobDataOwnerRoleId @storageAccount',
        'appPrincipalId storageQueueDataContributorRoleId @storageAccount',
        'appPrincipalId storageTableDataContributorRoleId @storageAccount',
        // Officer, not User: the app writes customer secrets when it onboards them (infra/README.md).
        'appPrincipalId keyVaultSecretsOfficerRoleId @keyVault',
        'appPrincipalId monitoringMetricsPublisherRoleId @applicationInsights',
        // The analytics export sends through its data collection rule (logs-export.bicep).
        'appPrincipalId monitoringMetricsPublisherRoleId @dataCollectionRule',
        'operatorPrincipalId keyVaultSecretsOfficerRoleId @keyVault',
      ].sort(),
    );
  });

  it('keeps every role GUID in rbac.bicep as a named variable', () => {
    const declared = new Set(roleVariables.map(([, value]) => value.replace(/'/g, '').toLowerCase()));
    // infra/customer/ is the customer's setup kit, deployed in their tenant: its built-in role ids are
    // the customer's grants to the provider, checked by test/infra/customer-kit.test.ts.
    for (const file of listInfraFiles().filter((f) => !f.startsWith(join(INFRA, 'customer')))) {
      const guids = readFileSync(file, 'utf8').match(GUID) ?? [];
      const stray = guids.filter((g) => !(file.endsWith('rbac.bicep') && declared.has(g.toLowerCase())));
      expect({ file, stray }).toEqual({ file, stray: [] });
    }
  });

  it('assigns no Owner, Contributor or Storage Account Contributor anywhere in infra', () => {
    for (const file of listInfraFiles()) {
      const text = readFileSync(file, 'utf8').toLowerCase();
      const found = Object.entries(FORBIDDEN_ROLES).filter(([, id]) => text.includes(id));
      expect({ file, found }).toEqual({ file, found: [] });
    }
  });
});

function listInfraFiles(): string[] {
  return readdirSync(INFRA, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(bicep|json|bicepparam)$/.test(f))
    .map((f) => join(INFRA, f));
}
