import { globSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalHost, type DevelopmentPrincipal, type LocalHost } from '../../lib/local/host/start-local-host';
import { ADMIN_OPERATOR } from './operator-principals';
import { startTestApp, type TestApp } from './start-test-app';

const ROOT = join(__dirname, '../..');

export interface ApiHost {
  readonly app: TestApp;
  readonly host: LocalHost;
  close(): Promise<void>;
}

/**
 * Azurite + sandbox + the local Functions host serving every function in functions/ on a free port,
 * after one collection cycle of the demo customers (timers otherwise stay off). Callers act as `operator`
 * (default: an admin), as App Service Authentication would pass them.
 */
export async function startApiHost(operator: DevelopmentPrincipal = ADMIN_OPERATOR): Promise<ApiHost> {
  const app = await startTestApp();
  const host = await startLocalHost({
    functionModules: globSync('functions/*.ts', { cwd: ROOT }).map((f) => join(ROOT, f)),
    appSettings: { ...app.env.appSettings, COLLECT_SCHEDULE: app.services.config.collectSchedule },
    hostJsonPath: join(ROOT, 'host.json'),
    httpPort: 0,
    startTimers: false,
    log: () => undefined,
    operatorPrincipal: operator,
  });
  await host.runTimer('collect-schedule');
  await host.waitForIdle();
  return {
    app,
    host,
    async close() {
      await host.close();
      await app.close();
    },
  };
}
