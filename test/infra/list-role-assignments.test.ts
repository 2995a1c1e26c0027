import { describe, expect, it } from 'vitest';
import { listRoleAssignments } from './list-role-assignments';

describe('listRoleAssignments', () => {
  it('reads name, scope, principal and role of each role assignment resource only', () => {
    const bicep = `
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(p)) {
  name: guid(kv.id, p, someRoleId)
  scope: kv
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', someRoleId)
    principalId: p
  }
}
resource inline 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(kv.id, p, 'x')
  scope: kv
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')
    principalId: p
  }
}`;
    expect(listRoleAssignments(bicep)).toEqual([
      {
        resource: 'grant',
        nameGuidArgs: ['kv.id', 'p', 'someRoleId'],
        scope: 'kv',
        principalId: 'p',
        roleDefinitionVar: 'someRoleId',
      },
      {
        resource: 'inline',
        nameGuidArgs: ['kv.id', 'p', "'x'"],
        scope: 'kv',
        principalId: 'p',
        roleDefinitionVar: undefined,
      },
    ]);
  });
});
