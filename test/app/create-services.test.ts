import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../lib/app/create-services';
import { loadConfig } from '../../lib/config/load-config';
import { startAzurite, type RunningAzurite } from '../../lib/local/azurite/start-azurite';

let azurite: RunningAzurite;

beforeAll(async () => {
  azurite = await startAzurite(); // plain http, on whatever free ports it gets
});
afterAll(async () => azurite?.close());

describe('createServices', () => {
  it('works against storage whose connection string has http endpoints on random loopback ports', async () => {
    expect(azurite.connectionString).toMatch(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+\//);
    const services = createServices(
      loadConfig({ AzureWebJobsStorage: azurite.connectionString, KEY_VAULT_URL: 'https://kv-ctc.vault.azure.net' }),
    );
    await services.ensureStorage();
    const run = {
      runId: 'http-storage-1',
      customerId: 'contoso',
      trigger: 'schedule' as const,
      windowStart: '2026-11-22T08:00:00.000Z',
      windowEnd: '2026-11-22T09:00:00.000Z',
      status: 'queued' as const,
      updatedAt: '2026-11-22T09:00:01.000Z',
    };
    await services.runs.record(run);
    expect(await services.runs.find('http-storage-1', 'contoso')).toMatchObject(run);
  });
});
