import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load-config';
import { SETTINGS } from '../../lib/config/settings';
import { isAppError } from '../../lib/errors/app-error';

const minimal = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  KEY_VAULT_URL: 'https://kv-ctc.vault.azure.net/',
};

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.collectSchedule).toBe('0 0 * * * *');
    expect(config.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.armScope).toBe('https://management.azure.com/.default');
    expect(config.keyVaultUrl).toBe('https://kv-ctc.vault.azure.net');
    expect(config.httpTimeoutMs).toBe(30_000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every invalid setting in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        AUTHORITY_HOST: 'http://login.example',
        COLLECT_SCHEDULE: '0 * * * *',
        HTTP_TIMEOUT_SECONDS: 'soon',
      });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error)).toBe(true);
    const problems = (error as { details: { problems: string[] } }).details.problems;
    expect(problems.some((p) => p.startsWith('KEY_VAULT_URL is required'))).toBe(true);
    expect(problems.some((p) => p.startsWith('Storage is not configured'))).toBe(true);
    expect(problems.some((p) => p.startsWith('AUTHORITY_HOST must be an https URL'))).toBe(true);
    expect(problems.some((p) => p.startsWith('COLLECT_SCHEDULE must be a 6-field'))).toBe(true);
    expect(problems.some((p) => p.startsWith('HTTP_TIMEOUT_SECONDS'))).toBe(true);
  });

  it('turns the settle read on by default, off with SETTLE_READ_ENABLED=false, and refuses anything else', () => {
    expect(loadConfig(minimal).settleReadEnabled).toBe(true);
    expect(loadConfig({ ...minimal, SETTLE_READ_ENABLED: 'FALSE' }).settleReadEnabled).toBe(false);
    expect(() => loadConfig({ ...minimal, SETTLE_READ_ENABLED: 'sometimes' })).toThrow(
      /SETTLE_READ_ENABLED must be true or false/,
    );
  });

  it('reads FABRIC_LOOKBACK_MINUTES as the Fabric metric source look-back, which must cover its 15-minute delay', () => {
    expect(loadConfig({ ...minimal, FABRIC_LOOKBACK_MINUTES: '45' }).metricSources.fabricCapacity).toEqual({
      lookBackMs: 45 * 60_000,
      ingestionDelayMs: 15 * 60_000,
    });
    expect(() => loadConfig({ ...minimal, FABRIC_LOOKBACK_MINUTES: '10' })).toThrow(
      /FABRIC_LOOKBACK_MINUTES must be 0 or a whole number from 15 to 1440/,
    );
  });

  it('accepts identity-based host storage', () => {
    const config = loadConfig({
      KEY_VAULT_URL: 'https://kv.vault.azure.net',
      AzureWebJobsStorage__blobServiceUri: 'https://st.blob.core.windows.net',
      AzureWebJobsStorage__queueServiceUri: 'https://st.queue.core.windows.net',
      AzureWebJobsStorage__tableServiceUri: 'https://st.table.core.windows.net',
      AzureWebJobsStorage__clientId: '11111111-1111-1111-1111-111111111111',
    });
    expect(config.storage).toEqual({
      kind: 'identity',
      blobServiceUri: 'https://st.blob.core.windows.net',
      queueServiceUri: 'https://st.queue.core.windows.net',
      tableServiceUri: 'https://st.table.core.windows.net',
      clientId: '11111111-1111-1111-1111-111111111111',
    });
  });

  it('documents every setting with a description', () => {
    expect(SETTINGS.every((s) => s.description.length > 10)).toBe(true);
    expect(new Set(SETTINGS.map((s) => s.name)).size).toBe(SETTINGS.length);
  });

  it('takes the retention, backfill budget and sovereign-cloud audiences from settings', () => {
    expect(loadConfig(minimal)).toMatchObject({
      metricsRetentionDays: 93,
      backfillWindowsPerRun: 12,
      storageScope: 'https://storage.azure.com/.default',
      tokenExchangeScope: 'api://AzureADTokenExchange/.default',
    });
    const usGov = loadConfig({
      ...minimal,
      STORAGE_AUDIENCE: 'https://storage.azure.us/',
      TOKEN_EXCHANGE_AUDIENCE: 'api://AzureADTokenExchangeUSGov',
    });
    expect(usGov).toMatchObject({
      storageScope: 'https://storage.azure.us/.default',
      tokenExchangeScope: 'api://AzureADTokenExchangeUSGov/.default',
    });
    expect(() => loadConfig({ ...minimal, TOKEN_EXCHANGE_AUDIENCE: 'not a uri' })).toThrow(/TOKEN_EXCHANGE_AUDIENCE/);
  });

  it('accepts a connection string with http endpoints on any loopback port, and refuses http to any other host', () => {
    const azurite = (host: string) =>
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://${host}:41001/devstoreaccount1;` +
      `QueueEndpoint=http://${host}:41002/devstoreaccount1;TableEndpoint=http://${host}:41003/devstoreaccount1;`;
    expect(loadConfig({ ...minimal, AzureWebJobsStorage: azurite('127.0.0.1') }).storage).toMatchObject({
      kind: 'connectionString',
      insecureLoopback: true,
    });
    expect(loadConfig({ ...minimal, AzureWebJobsStorage: azurite('localhost') }).storage).toMatchObject({
      insecureLoopback: true,
    });
    expect(() => loadConfig({ ...minimal, AzureWebJobsStorage: azurite('storage.example.com') })).toThrow(
      /plain http to storage\.example\.com/,
    );
  });
});
