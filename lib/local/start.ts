import { globSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadServices } from '../app/services';
import { CustomerRegistry } from '../customers/customer-registry';
import { formatExportLine, formatRunSummary } from './format-run-summary';
import { OPERATOR_APP_ROLES, type OperatorRole } from '../auth/operator-principal';
import { startLocalHost, type DevelopmentPrincipal } from './host/start-local-host';
import type { HostLogLevel } from './host/start-queue-listener';
import { startLocalEnvironment, type LocalEnvironment } from './start-local-environment';
import { buildDemoScenario } from './demo/build-demo-scenario';
import { pushDemoCapacityEvents } from './demo/push-demo-capacity-events';

const HELP = `Usage: npm start [-- options]

Runs the collector locally the way Azure Functions would: starts Azurite and the sandbox cloud
(Entra ID, managed identity, Key Vault, ARM) with the demo customers, registers the functions in
functions/, runs one collection cycle at once and prints a summary, then keeps running on schedule
with the HTTP API on http://127.0.0.1:7071/api.

Options:
  --once             exit after the first cycle's summary (exit code 0 even when customers fail)
  --port <n>         HTTP port (default 7071; 0 picks a free one)
  --settings <file>  use the "Values" of a local.settings.json-style file instead of the embedded
                     sandbox (e.g. to run against real Azure); nothing is started besides the host;
                     needs --role
  --role <role>      the app role of the development principal the host passes to the API, as App
                     Service Authentication would: admin (${OPERATOR_APP_ROLES.admin}) or reader
                     (${OPERATOR_APP_ROLES.reader}). Default admin with the embedded sandbox; required
                     with --settings, where the API reaches real customers
  --verbose          print every host and function log line
  -h, --help         show this help
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      port: { type: 'string', default: '7071' },
      settings: { type: 'string' },
      role: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got "${values.port}"`);

  const operatorPrincipal = developmentPrincipal(values.role, Boolean(values.settings));

  const root = findPackageRoot();
  const started = performance.now();
  let environment: LocalEnvironment | undefined;
  let appSettings: Record<string, string>;
  if (values.settings) {
    // The host plays App Service Authentication (see --role), whatever the file says.
    appSettings = { ...readSettingsFile(resolve(values.settings)), WEBSITE_AUTH_ENABLED: 'True' };
    progress(`Using settings from ${values.settings} (no local cloud started)`);
  } else {
    progress('Starting Azurite and the sandbox cloud…');
    environment = await startLocalEnvironment({ scenario: buildDemoScenario(new Date(), { fabric: true }) });
    appSettings = { ...environment.appSettings };
    progress(
      `Azurite and sandbox ready in ${seconds(started)} (Key Vault ${environment.sandbox.urls.keyVault}, ARM ${environment.sandbox.urls.arm})`,
    );
  }
  // The Functions host exports app settings as environment variables; the config module reads them there.
  Object.assign(process.env, appSettings);
  const services = await loadServices();
  await services.ensureStorage();
  if (environment) {
    for (const customer of environment.scenario.customers)
      await services.registry.put(CustomerRegistry.validate(customer));
    progress(`Registered demo customers: ${environment.scenario.customers.map((c) => c.id).join(', ')}`);
  }

  const functionModules = globSync(readMainGlob(root), { cwd: root }).map((f) => join(root, f));
  const host = await startLocalHost({
    functionModules,
    appSettings: {
      COLLECT_SCHEDULE: services.config.collectSchedule,
      HEALTH_SWEEP_SCHEDULE: services.config.healthSweepSchedule,
      ...appSettings,
    },
    hostJsonPath: join(root, 'host.json'),
    httpPort: port,
    startTimers: !values.once,
    log: makeLogger(values.verbose),
    operatorPrincipal,
  });
  progress(`Functions: ${host.functions.map((f) => f.name).join(', ')}`);
  progress(`HTTP callers act as ${operatorPrincipal.name} with role ${operatorPrincipal.roles.join(', ')} (--role)`);

  const shutdown = async () => {
    await host.close();
    await environment?.close();
  };
  process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));

  if (environment) {
    const pushed = await pushDemoCapacityEvents(services, host.httpUrl, new Date());
    progress(
      `woodgrove pushed ${pushed.received} Fabric capacity events (${pushed.accepted} stored, ${pushed.duplicates} duplicates dropped)`,
    );
  }
  const cycleStart = new Date().toISOString();
  progress('Running one collection cycle now…');
  await host.runTimer('collect-schedule');
  await host.waitForIdle();
  const statuses = (await services.statuses.list()).filter((s) => s.lastAttemptAt >= cycleStart);
  const exportTarget =
    services.analytics && services.config.logsExport
      ? { ruleId: services.config.logsExport.ruleId, totals: services.analytics.totals }
      : undefined;
  console.log(`\n${formatRunSummary(statuses)}\n${formatExportLine(exportTarget)}\n`);
  progress(`Cycle finished in ${seconds(started)} since start`);

  if (values.once) {
    await shutdown();
    return 0;
  }
  console.log(`HTTP API on ${host.httpUrl}/api — e.g. curl ${host.httpUrl}/api/customers/contoso/metrics`);
  console.log(`Collecting on schedule "${services.config.collectSchedule}" (UTC). Ctrl+C to stop.`);
  return await new Promise<number>(() => undefined); // keep running until a signal
}

/** The principal the local host passes to the API; real Azure behind --settings needs an explicit choice. */
function developmentPrincipal(role: string | undefined, settingsMode: boolean): DevelopmentPrincipal {
  if (role === undefined && settingsMode) {
    throw new Error('--settings needs --role admin|reader: say which operator role the local API grants its callers');
  }
  const chosen = role ?? 'admin';
  if (chosen !== 'admin' && chosen !== 'reader') throw new Error(`--role must be admin or reader, got "${chosen}"`);
  return { id: 'local-developer', name: 'developer@localhost', roles: [chosen satisfies OperatorRole] };
}

function progress(message: string): void {
  console.log(`[ctc] ${message}`);
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function makeLogger(verbose: boolean) {
  return (level: HostLogLevel, message: string, props?: Record<string, unknown>) => {
    if (!verbose && (level === 'debug' || level === 'info')) return;
    const extra = verbose && props && Object.keys(props).length > 0 ? ` ${JSON.stringify(props)}` : '';
    const line = `  ${level.toUpperCase().padEnd(5)} ${readable(message)}${extra}`;
    if (level === 'error' || level === 'warn') console.error(line);
    else console.log(line);
  };
}

/** Structured log lines are JSON (for Application Insights); show them as `message key=value …`. */
function readable(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const { message: text, ...rest } = JSON.parse(message) as Record<string, unknown>;
    return `${String(text)} ${Object.entries(rest)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ')}`;
  } catch {
    return message;
  }
}

/** The folder with package.json, from dist/lib/local or lib/local alike. */
function findPackageRoot(): string {
  let dir = __dirname;
  while (!safeRead(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** Functions are found the way the Functions host finds them: package.json `main`. */
function readMainGlob(root: string): string {
  const main = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string }).main;
  if (!main) throw new Error('package.json has no "main" glob naming the function files');
  return main;
}

function readSettingsFile(path: string): Record<string, string> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { Values?: Record<string, unknown> };
  if (!parsed.Values || typeof parsed.Values !== 'object') throw new Error(`${path} has no "Values" object`);
  return Object.fromEntries(Object.entries(parsed.Values).map(([k, v]) => [k, String(v)]));
}

function safeRead(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[ctc] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
