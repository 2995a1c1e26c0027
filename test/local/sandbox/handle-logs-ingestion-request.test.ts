import { ManagedIdentityCredential } from '@azure/identity';
import { isAggregateLogsUploadError, LogsIngestionClient } from '@azure/monitor-ingestion';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';

const RULE_ID = 'dcr-0123456789abcdef0123456789abcdef';
const RULE =
  '/subscriptions/6f1a1b2c-0000-4000-8000-00000000a5a5/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/dcr-test';
const STREAM = 'Custom-Test';
const columns = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Name', type: 'string' },
  { name: 'Value', type: 'real' },
  { name: 'Tags', type: 'dynamic' },
];

let sandbox: SandboxCloud;
let client: LogsIngestionClient;
const rows = (n: number, pad = 0) =>
  Array.from({ length: n }, (_, i) => ({
    TimeGenerated: '2026-11-22T09:05:00Z',
    Name: `row-${i}`.padEnd(pad, '.'),
    Value: i,
    Tags: { i },
  }));
/** The one error of a failed upload (the SDK aggregates one per failed call). */
async function uploadError(stream: string, logs: Record<string, unknown>[]) {
  try {
    await client.upload(RULE_ID, stream, logs, { maxConcurrency: 1 });
  } catch (error) {
    if (!isAggregateLogsUploadError(error)) throw error;
    return error.errors[0]?.cause as Error & { statusCode?: number; code?: string };
  }
  throw new Error('upload succeeded');
}

beforeAll(async () => {
  const certificate = await createLocalCertificate();
  trustCertificate(certificate.caPem);
  sandbox = await startSandboxCloud({ certificate });
  process.env.IDENTITY_ENDPOINT = sandbox.urls.identityEndpoint;
  process.env.IDENTITY_HEADER = sandbox.identityHeader;
  sandbox.state.logsIngestion.addRule({ immutableId: RULE_ID, resourceId: RULE, streams: { [STREAM]: columns } });
  const identity = new ManagedIdentityCredential({ clientId: sandbox.managedIdentity.clientId });
  client = new LogsIngestionClient(sandbox.urls.logsIngestion, identity, { retryOptions: { retryDelayInMs: 10 } });
});
afterAll(async () => {
  delete process.env.IDENTITY_ENDPOINT;
  delete process.env.IDENTITY_HEADER;
  await sandbox.close();
});
beforeEach(() => {
  sandbox.state.logsIngestion.clear();
  sandbox.requests.clear();
  sandbox.state.removeRole(sandbox.managedIdentity.objectId, RULE);
  sandbox.state.assignRole(sandbox.managedIdentity.objectId, RULE, 'Monitoring Metrics Publisher');
});

describe('sandbox Logs Ingestion API', () => {
  it('accepts the real client: gzip, api-version 2023-01-01, a monitor.azure.com token, 204', async () => {
    await client.upload(RULE_ID, STREAM, rows(3));
    const [batch] = sandbox.state.logsIngestion.batches(STREAM);
    expect(batch).toMatchObject({ gzip: true, ruleId: RULE_ID });
    expect(batch?.rows).toEqual(rows(3));
    const request = sandbox.requests.list('logsIngestion').at(-1);
    expect(request).toMatchObject({
      method: 'POST',
      path: `/dataCollectionRules/${RULE_ID}/streams/${STREAM}`,
      status: 204,
    });
    // The SDK percent-encodes the hyphen (`api%2Dversion`), as it does for Key Vault.
    expect(new URLSearchParams(request?.query).get('api-version')).toBe('2023-01-01');
  });

  it('receives every row exactly once when the client splits past 1 MB', async () => {
    const many = rows(3000, 1000); // ~3 MB of JSON
    await client.upload(RULE_ID, STREAM, many);
    const batches = sandbox.state.logsIngestion.batches(STREAM);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.every((b) => b.jsonBytes <= 1024 * 1024)).toBe(true);
    const names = sandbox.state.logsIngestion.rows(STREAM).map((r) => r.Name);
    expect(names).toHaveLength(many.length);
    expect(new Set(names).size).toBe(many.length);
  });

  it('answers 403 OperationFailed without Monitoring Metrics Publisher on the rule', async () => {
    sandbox.state.removeRole(sandbox.managedIdentity.objectId, RULE);
    const error = await uploadError(STREAM, rows(1));
    expect(error).toMatchObject({ statusCode: 403, code: 'OperationFailed' });
    expect(error.message).toContain('does not have access to ingest data for the data collection rule');
  });

  it('answers 400 for a stream the rule does not declare, and for an undeclared or mistyped column', async () => {
    expect(await uploadError('Custom-Other', rows(1))).toMatchObject({ statusCode: 400, code: 'InvalidStream' });
    expect(await uploadError(STREAM, [{ TimeGenerated: '2026-11-22T09:05:00Z', Extra: 1 }])).toMatchObject({
      statusCode: 400,
      code: 'InvalidPayload',
    });
    expect(await uploadError(STREAM, [{ TimeGenerated: 'yesterday', Value: 'high' }])).toMatchObject({
      statusCode: 400,
    });
  });

  it('answers 413 for one record the client cannot split under 1 MB', async () => {
    const error = await uploadError(STREAM, [{ TimeGenerated: '2026-11-22T09:05:00Z', Name: 'x'.repeat(1_100_000) }]);
    expect(error).toMatchObject({ statusCode: 413 });
  });

  it('answers 429 with Retry-After past the per-rule request rate, which the client waits out', async () => {
    sandbox.state.injectFault({
      service: 'logsIngestion',
      match: (path) => path.includes(RULE_ID),
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    await client.upload(RULE_ID, STREAM, rows(2));
    expect(sandbox.state.logsIngestion.rows(STREAM)).toHaveLength(2);
    expect(sandbox.requests.list('logsIngestion').map((r) => r.status)).toEqual([429, 204]);

    sandbox.state.logsIngestion.clear(); // a fresh minute
    sandbox.state.logsIngestion.requestsPerMinute = 1;
    try {
      const token = await new ManagedIdentityCredential({ clientId: sandbox.managedIdentity.clientId }).getToken(
        'https://monitor.azure.com/.default',
      );
      const post = () =>
        fetch(`${sandbox.urls.logsIngestion}/dataCollectionRules/${RULE_ID}/streams/${STREAM}?api-version=2023-01-01`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(rows(1)),
        });
      expect((await post()).status).toBe(204);
      const throttled = await post();
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      sandbox.state.logsIngestion.requestsPerMinute = 12_000;
    }
  });

  it('answers 401 without a token and 400 for an unknown api-version', async () => {
    const url = `${sandbox.urls.logsIngestion}/dataCollectionRules/${RULE_ID}/streams/${STREAM}`;
    expect((await fetch(`${url}?api-version=2023-01-01`, { method: 'POST', body: '[]' })).status).toBe(401);
    expect((await fetch(`${url}?api-version=2020-01-01`, { method: 'POST', body: '[]' })).status).toBe(400);
  });
});
