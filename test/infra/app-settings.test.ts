import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS, type SettingSpec } from '../../lib/config/settings';
import { maskBicepText } from './mask-bicep-text';
import { parseAppSettingsBlock } from './parse-app-settings-block';

const INFRA = join(__dirname, '../../infra');
const FUNCTION_APP = join(INFRA, 'modules/function-app.bicep');

/**
 * Settings the Functions platform reads, not our config loader. Allowed in Bicep without a
 * SETTINGS entry. (FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not app
 * settings on Flex Consumption — functionAppConfig.runtime replaces them — but are harmless.)
 */
const PLATFORM_SETTINGS = new Set([
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'FUNCTIONS_EXTENSION_VERSION',
  // Read by Node itself: the worker's heap limit (function-app.bicep, nodeHeapLimitMB).
  'NODE_OPTIONS',
]);

// Widened to SettingSpec: the test must keep working whatever entries the catalogue holds.
const catalogue: readonly SettingSpec[] = SETTINGS;
const bicepSettings = parseAppSettingsBlock(readFileSync(FUNCTION_APP, 'utf8'));
const setByInfra = catalogue.filter((s) => s.setBy === 'infra').map((s) => s.name);
const setByPlatform = catalogue.filter((s) => s.setBy === 'platform').map((s) => s.name);
const known = new Set([...setByInfra, ...setByPlatform, ...PLATFORM_SETTINGS]);

describe('function app settings in Bicep vs lib/config/settings.ts', () => {
  it('sets every setting the catalogue marks as set by infra', () => {
    const missing = setByInfra.filter((name) => !bicepSettings.has(name));
    expect(missing).toEqual([]);
  });

  it('sets no setting the catalogue does not know', () => {
    const unknown = [...bicepSettings.keys()].filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });

  it('sets every setting the app requires to start', () => {
    const required = catalogue.filter((s) => s.required && s.setBy !== 'local').map((s) => s.name);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !bicepSettings.has(name))).toEqual([]);
  });

  it('never sets a local-only setting such as a storage connection string', () => {
    const localOnly = catalogue.filter((s) => s.setBy === 'local').map((s) => s.name);
    expect(localOnly).toContain('AzureWebJobsStorage');
    expect([...bicepSettings.keys()].filter((name) => localOnly.includes(name))).toEqual([]);
  });

  it('uses identity-based host storage with the app identity', () => {
    expect(bicepSettings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(bicepSettings.get('AzureWebJobsStorage__clientId')).toBe('identityClientId');
    expect(bicepSettings.get('MANAGED_IDENTITY_CLIENT_ID')).toBe('identityClientId');
    for (const service of ['blob', 'queue', 'table']) {
      expect(bicepSettings.get(`AzureWebJobsStorage__${service}ServiceUri`)).toBe(`${service}Endpoint`);
    }
  });

  it("takes Entra ID and ARM endpoints from the cloud's environment()", () => {
    expect(bicepSettings.get('AUTHORITY_HOST')).toBe('environment().authentication.loginEndpoint');
    expect(bicepSettings.get('ARM_ENDPOINT')).toBe('environment().resourceManager');
    expect(bicepSettings.get('ARM_AUDIENCE')).toBe('environment().resourceManager');
  });

  it('puts no key or secret into app settings', () => {
    const leaky = [...bicepSettings].filter(([, value]) =>
      /listKeys|AccountKey|SharedAccessSignature|secret/i.test(value),
    );
    expect(leaky).toEqual([]);
  });

  it('applies that literal as the only app settings of the site', () => {
    const functionApp = readFileSync(FUNCTION_APP, 'utf8');
    expect(functionApp.match(/name:\s*'appsettings'/g)).toHaveLength(1);
    expect(functionApp).toMatch(/name:\s*'appsettings'\s*\n\s*properties:\s*appSettings\s*\n/);
    // siteConfig.appSettings elsewhere would bypass this check.
    for (const file of listBicepFiles(INFRA)) {
      const code = maskBicepText(readFileSync(file, 'utf8'));
      expect({ file, siteConfigAppSettings: /\bappSettings\s*:/.test(code) }).toEqual({
        file,
        siteConfigAppSettings: false,
      });
    }
  });
});

function listBicepFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => join(dir, f));
}
