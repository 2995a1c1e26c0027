import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBicepDeclarations } from './list-bicep-declarations';
import { maskBicepText } from './mask-bicep-text';

const ROOT = join(__dirname, '../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
/** Source with comments blanked, so a commented-out property does not count. */
const code = (path: string): string => maskBicepText(read(path), { keepStrings: true });
/** `['a', 'b']` → ['a', 'b'] (names only; identifiers are kept as written). */
const listLiteral = (value: string | undefined): string[] =>
  (value ?? '')
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((s) => s.trim().replace(/^'|'$/g, ''))
    .filter(Boolean);

describe('infra resources', () => {
  it('provisions at subscription scope with names derived from a resource token', () => {
    const main = code('infra/main.bicep');
    expect(main).toMatch(/^targetScope = 'subscription'/m);
    expect(listBicepDeclarations(main).variables.get('resourceToken')).toMatch(
      /uniqueString\(subscription\(\)\.id, environmentName/,
    );
  });

  it('creates the tables, queues and containers the app uses, with shared-key access off', () => {
    const storage = code('infra/modules/storage.bicep');
    const vars = listBicepDeclarations(storage).variables;
    expect(listLiteral(vars.get('tableNames')).sort()).toEqual([
      'audit',
      'customerhealth',
      'customers',
      'customerstatus',
      'discovery',
      'exportpending',
      'fabric',
      'metrics',
      'operatoraudit',
      'runs',
      'summaries',
    ]);
    expect(listLiteral(vars.get('queueNames')).sort()).toEqual(['collect-customer', 'collect-customer-poison']);
    expect(listLiteral(vars.get('containerNames'))).toEqual(['snapshots', 'deploymentContainerName']);
    expect(storage).toMatch(/allowSharedKeyAccess: false/);
    expect(storage).toMatch(/allowBlobPublicAccess: false/);
  });

  it('puts App Service Authentication with Entra ID in front of the API: no token, no request (401)', () => {
    const auth = code('infra/modules/operator-auth.bicep');
    expect(auth).toMatch(/'Microsoft\.Web\/sites\/config@[\d-]+'/);
    expect(auth).toMatch(/name: 'authsettingsV2'/);
    expect(auth).toMatch(/requireAuthentication: true/);
    expect(auth).toMatch(/unauthenticatedClientAction: 'Return401'/);
    expect(auth).toMatch(/azureActiveDirectory: \{\s*enabled: true/);
    expect(code('infra/main.bicep')).toMatch(/module operatorAuth 'modules\/operator-auth\.bicep'/);
    const script = code('infra/operator-app/create-operator-app.sh');
    expect(script).toContain('"value": "Collector.Reader"');
    expect(script).toContain('"value": "Collector.Admin"');
    // An operator's Azure CLI token needs a delegated scope with the Azure CLI pre-authorized for it.
    expect(script).toContain('"value": "user_impersonation"');
    expect(script).toMatch(/preAuthorizedApplications.*azure_cli.*scope_id/);
    expect(script).toContain('azure_cli=04b07795-8ddb-461a-bbee-02f9e1bf7b46');
  });

  it('runs Node 22 on Flex Consumption with a user-assigned identity for deployment storage', () => {
    const app = code('infra/modules/function-app.bicep');
    expect(app).toMatch(/name: 'FC1'\s*\n\s*tier: 'FlexConsumption'/);
    expect(app).toMatch(/runtime: \{\s*name: 'node'\s*version: '22'\s*\}/);
    expect(app).toMatch(/type: 'UserAssignedIdentity'\s*\n\s*userAssignedIdentityResourceId: identityId/);
    expect(app).toMatch(/type: 'UserAssigned'\s*\n/);
  });

  it('creates Key Vault with RBAC authorization, soft delete and purge protection', () => {
    const vault = code('infra/modules/key-vault.bicep');
    expect(vault).toMatch(/enableRbacAuthorization: true/);
    expect(vault).toMatch(/enableSoftDelete: true/);
    expect(vault).toMatch(/enablePurgeProtection: true/);
  });

  it('turns local auth off for Log Analytics and Application Insights', () => {
    const monitoring = code('infra/modules/monitoring.bicep');
    expect(monitoring).toMatch(/features: \{ disableLocalAuth: true \}/);
    expect(monitoring).toMatch(/DisableLocalAuth: true/);
  });

  it('makes VNet integration optional behind vnetEnabled', () => {
    const main = code('infra/main.bicep');
    expect(main).toMatch(/module network 'modules\/network.bicep' = if \(vnetEnabled\)/);
    expect(main).toMatch(/subnetId: vnetEnabled \? /);
  });

  it('declares the azd service that deploys to the tagged function app', () => {
    const azureYaml = read('azure.yaml');
    expect(azureYaml).toMatch(/^services:$/m);
    expect(azureYaml).toMatch(/^ {2}api:$/m);
    expect(azureYaml).toMatch(/^ {4}host: function$/m);
    expect(azureYaml).toMatch(/^ {4}language: ts$/m);
    expect(code('infra/modules/function-app.bicep')).toMatch(/'azd-service-name': 'api'/);
  });
});
