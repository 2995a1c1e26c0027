import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DEQUEUE_COUNT } from '../../lib/collect/record-run-progress';
import { ABANDONED_AFTER_MS } from '../../lib/store/run-store';

const ROOT = join(__dirname, '../..');

interface HostJson {
  functionTimeout: string;
  extensions: {
    queues: {
      batchSize: number;
      newBatchThreshold: number;
      maxDequeueCount: number;
      visibilityTimeout: string;
      maxPollingInterval: string;
    };
    http: { routePrefix: string };
  };
  logging: { applicationInsights: { samplingSettings: { isEnabled: boolean; excludedTypes: string } } };
}

const host = JSON.parse(readFileSync(join(ROOT, 'host.json'), 'utf8')) as HostJson;
const guide = readFileSync(join(ROOT, 'infra/README.md'), 'utf8');

/** `hh:mm:ss` → seconds. */
function toSeconds(span: string): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})$/.exec(span);
  if (!match) throw new Error(`Not hh:mm:ss: ${span}`);
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** The platform cuts HTTP responses at 230 s (AZURE-NOTES); the hourly timer is the default schedule. */
const HTTP_RESPONSE_LIMIT_SECONDS = 230;
const COLLECT_PERIOD_SECONDS = 3600;

describe('host.json (production)', () => {
  it('keeps the queue and http keys the local host reads', () => {
    expect(Object.keys(host.extensions.queues).sort()).toEqual(
      ['batchSize', 'maxDequeueCount', 'maxPollingInterval', 'newBatchThreshold', 'visibilityTimeout'].sort(),
    );
    expect(host.extensions.http.routePrefix).toBe('api');
  });

  it('finishes every retry of a customer well within one collection period', () => {
    const { maxDequeueCount, visibilityTimeout } = host.extensions.queues;
    const worstCase = maxDequeueCount * (toSeconds(host.functionTimeout) + toSeconds(visibilityTimeout));
    expect(maxDequeueCount).toBeGreaterThanOrEqual(2);
    expect(worstCase).toBeLessThan(COLLECT_PERIOD_SECONDS);
  });

  it('gives a function longer than an HTTP response may take but bounds a stuck worker', () => {
    const timeout = toSeconds(host.functionTimeout);
    expect(timeout).toBeGreaterThan(HTTP_RESPONSE_LIMIT_SECONDS);
    expect(timeout).toBeLessThanOrEqual(30 * 60);
  });

  it('never samples away requests, exceptions or log lines (our errors and health events are traces)', () => {
    const { samplingSettings } = host.logging.applicationInsights;
    expect(samplingSettings.excludedTypes.split(';')).toEqual(
      expect.arrayContaining(['Request', 'Exception', 'Trace']),
    );
  });

  it('explains every queue setting and the timeout in infra/README.md', () => {
    const section = guide.slice(guide.indexOf('## host.json settings'));
    expect(section.length).toBeGreaterThan(100);
    for (const key of [...Object.keys(host.extensions.queues), 'functionTimeout', 'routePrefix', 'excludedTypes']) {
      expect({ key, explained: section.includes(`\`${key}\``) }).toEqual({ key, explained: true });
    }
  });

  it("matches the worker's idea of the last attempt, so a poisoned run is recorded as failed", () => {
    expect(host.extensions.queues.maxDequeueCount).toBe(MAX_DEQUEUE_COUNT);
  });

  it('stops every attempt before a running record would read as abandoned', () => {
    expect(toSeconds(host.functionTimeout) * 1000).toBeLessThan(ABANDONED_AFTER_MS);
  });
});
