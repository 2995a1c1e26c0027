import { globSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHost, type LocalHost } from '../../lib/local/host/start-local-host';
import { READER_OPERATOR } from './operator-principals';
import type { TestApp } from './start-test-app';

const ROOT = join(__dirname, '../..');

/**
 * The local Functions host over every function in functions/, with the project's host.json except
 * that a failed message is visible again at once (visibilityTimeout 0) instead of after 30 s: the
 * retry and poison path runs exactly as configured, only without the wait between attempts. HTTP calls
 * act as a reader operator.
 */
export async function startFastRetryHost(app: TestApp, log: string[] = []): Promise<LocalHost> {
  const hostJson = JSON.parse(readFileSync(join(ROOT, 'host.json'), 'utf8')) as {
    extensions: { queues: Record<string, unknown> };
  };
  hostJson.extensions.queues['visibilityTimeout'] = '00:00:00';
  const dir = mkdtempSync(join(tmpdir(), 'ctc-host-'));
  writeFileSync(join(dir, 'host.json'), JSON.stringify(hostJson));
  return startLocalHost({
    functionModules: globSync('functions/*.ts', { cwd: ROOT }).map((f) => join(ROOT, f)),
    appSettings: { ...app.env.appSettings, COLLECT_SCHEDULE: app.services.config.collectSchedule },
    hostJsonPath: join(dir, 'host.json'),
    httpPort: 0,
    startTimers: false,
    operatorPrincipal: READER_OPERATOR,
    log: (level, message) => log.push(`${level} ${message}`),
  });
}
