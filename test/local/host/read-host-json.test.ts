import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimeSpan, readHostJson } from '../../../lib/local/host/read-host-json';

describe('readHostJson', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'host-json-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the repository host.json queue and http settings', async () => {
    const settings = await readHostJson(path.join(__dirname, '../../../host.json'));
    expect(settings.http.routePrefix).toBe('api');
    expect(settings.queues.maxDequeueCount).toBeGreaterThanOrEqual(1);
  });

  it('applies the Functions host defaults when host.json says nothing', async () => {
    const file = path.join(dir, 'empty.json');
    await writeFile(file, '{"version":"2.0"}');
    expect(await readHostJson(file)).toEqual({
      queues: {
        batchSize: 16,
        newBatchThreshold: 8,
        maxDequeueCount: 5,
        visibilityTimeoutMs: 0,
        maxPollingIntervalMs: 60_000,
      },
      http: { routePrefix: 'api' },
    });
  });

  it('rejects a batch size above the queue service limit of 32', async () => {
    const file = path.join(dir, 'big.json');
    await writeFile(file, '{"extensions":{"queues":{"batchSize":64}}}');
    await expect(readHostJson(file)).rejects.toMatchObject({ code: 'InvalidHostJson' });
  });
});

describe('parseTimeSpan', () => {
  it('reads .NET TimeSpan text as milliseconds', () => {
    expect(parseTimeSpan('00:00:30', 'x')).toBe(30_000);
    expect(parseTimeSpan('01:02:03.5', 'x')).toBe(3_723_500);
    expect(parseTimeSpan('1.00:00:00', 'x')).toBe(86_400_000);
  });

  it('names the setting when the text is not a TimeSpan', () => {
    expect(() => parseTimeSpan('30s', 'visibilityTimeout')).toThrow(/visibilityTimeout/);
  });
});
