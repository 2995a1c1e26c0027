import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { createServices, type Services } from '../app/create-services';
import { setServices } from '../app/services';
import { mapWithConcurrency } from '../batching/map-with-concurrency';
import { globSync } from 'node:fs';
import { InvocationContext } from '@azure/functions';
import { collectQueueOutput } from '../app/bindings';
import { COLLECT_QUEUE } from '../app/storage-names';
import { handleCollectSchedule } from '../collect/handle-collect-schedule';
import { createQueueClient } from '../local/host/create-queue-client';
import { startLocalHost, type LocalHost } from '../local/host/start-local-host';
import type { LocalEnvironment, SandboxEndpoints } from '../local/start-local-environment';
import { checkTargets, type CycleFacts } from './check-targets';
import { childProcessUsage, processUsage, type ProcessUsage } from './child-process-usage';
import { countStorageRequests, type StorageServiceOf } from './count-storage-requests';
import { planCollectionRun } from '../collect/plan-collection-run';
import { loadConfig } from '../config/load-config';
import { CustomerRegistry } from '../customers/customer-registry';
import { getDashboard } from '../http/dashboard-handler';
import { getHealth } from '../http/health-handler';
import { startLocalEnvironment } from '../local/start-local-environment';
import { buildBenchScenario, lowerBounds } from './build-bench-scenario';
import { describeImportTimes, importTimeRows, measureImportTimes } from './measure-import-times';
import { startSandboxProcess, type SandboxProcess } from './start-sandbox-process';

const HELP = `Usage: npm run bench [-- options]

Measures collection cycles on Azurite + the sandbox cloud (which enforces ARM's read token bucket,
the batch API's rules and an injected network latency), each in its own process so the product's own
CPU and memory are measured apart from the emulators', with synthetic healthy customers (each its own
tenant, app, secret, subscriptions and VMs), through the queue, the local Functions host and the
real SDK clients (every message runs the whole worker, storage bookkeeping included). Runs batch mode
(metrics:getBatch + Resource Graph) and per-resource mode side by side and prints calls per kind
against the lower bound for the workload, wall time, throughput, the product's peak RSS, live heap and
CPU next to the sandbox's and Azurite's CPU and memory, dashboard and health response times and every function entry's import time against a hello-world Functions app.

Options:
  --customers <n>      synthetic customers (default 40)
  --resources <n>      VMs per customer (default 4)
  --metrics <n>        metrics per VM, 1-4 (default 2)
  --subscriptions <n>  subscriptions per customer (default 2)
  --regions <n>        regions the VMs are spread over, 1-6 (default 2)
  --interval <grain>   PT1M | PT5M | PT1H time grain of every metric (default PT5M: 12 points per hour)
  --latency <ms>       added to every answer of the cloud (default 20)
  --mode <m>           both | batch | perResource (default both)
  --cycles <n>         1: cold only; 2: cold, then warm on the previous hour (default 2)
  --views-timeout <s>  give up timing the dashboard or health after this long (default 120)
  -h, --help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '40' },
      resources: { type: 'string', default: '4' },
      metrics: { type: 'string', default: '2' },
      subscriptions: { type: 'string', default: '2' },
      regions: { type: 'string', default: '2' },
      cycles: { type: 'string', default: '2' },
      'views-timeout': { type: 'string', default: '120' },
      latency: { type: 'string', default: '20' },
      interval: { type: 'string', default: 'PT5M' },
      mode: { type: 'string', default: 'both' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const shape = {
    customers: positive(values.customers, '--customers'),
    resourcesPerCustomer: positive(values.resources, '--resources'),
    metricsPerResource: positive(values.metrics, '--metrics'),
    subscriptionsPerCustomer: positive(values.subscriptions, '--subscriptions'),
    regions: positive(values.regions, '--regions'),
  };
  const latencyMs = Number(values.latency);
  if (!Number.isInteger(latencyMs) || latencyMs < 0)
    throw new Error(`--latency must be a whole number of ms, got "${values.latency}"`);
  if (!['PT1M', 'PT5M', 'PT1H'].includes(values.interval)) {
    throw new Error(`--interval must be PT1M, PT5M or PT1H, got "${values.interval}"`);
  }
  const interval = values.interval as 'PT1M' | 'PT5M' | 'PT1H';
  const cycles = positive(values.cycles, '--cycles') >= 2 ? (['cold', 'warm'] as const) : (['cold'] as const);
  const viewsTimeoutMs = positive(values['views-timeout'], '--views-timeout') * 1000;
  if (!['both', 'batch', 'perResource'].includes(values.mode)) {
    throw new Error(`--mode must be both, batch or perResource, got "${values.mode}"`);
  }
  const modes: ReadonlyArray<'batch' | 'perResource'> =
    values.mode === 'both' ? ['batch', 'perResource'] : [values.mode as 'batch' | 'perResource'];

  // Cold start is a property of an idle instance: measured before the environment (Azurite, the sandbox,
  // the host) starts, while nothing of the bench runs.
  console.error('[bench] import times: every function entry against a hello-world Functions app…');
  const importTimes = measureImportTimes();
  console.error(`[bench] import times: ${describeImportTimes(importTimes)}`);

  const setupStart = performance.now();
  const scenario = buildBenchScenario({ ...shape, interval });
  // The sandbox cloud runs in its own process (like Azurite): this process is the product (and the bench).
  const env = await startLocalEnvironment({ scenario, startSandbox: startSandboxProcess });
  await env.sandbox.setLatency(latencyMs);
  Object.assign(process.env, env.appSettings);
  const servicesFor = (mode: 'batch' | 'perResource'): Services =>
    createServices(
      loadConfig({ ...process.env, ...env.appSettings, METRICS_MODE: mode === 'batch' ? 'auto' : 'perResource' }),
    );
  const first = servicesFor('batch');
  setServices(first);
  await first.ensureStorage();
  const benchCustomers = env.scenario.customers.filter((c) => c.id.startsWith('bench-'));
  await mapWithConcurrency(benchCustomers, 16, (c) => first.registry.put(CustomerRegistry.validate(c)));
  const setupMs = performance.now() - setupStart;
  console.error(
    `[bench] ${shape.customers} customers × ${shape.resourcesPerCustomer} VMs × ${shape.metricsPerResource} metrics over ` +
      `${shape.subscriptionsPerCustomer} subscription(s) × ${shape.regions} region(s), latency ${latencyMs} ms, ready in ${(setupMs / 1000).toFixed(1)} s`,
  );
  const locations = new Map(env.scenario.seed.resources?.map((r) => [r.id.toLowerCase(), r.location]) ?? []);
  const bound = lowerBounds(benchCustomers, (id) => locations.get(id.toLowerCase()) ?? '');
  const customers = (await first.registry.list()).filter((c) => c.id.startsWith('bench-'));

  const rows: Record<string, unknown>[] = [];
  const storageByCycle: Record<string, unknown>[] = [];
  const facts: CycleFacts[] = [];
  const storage = countStorageRequests(azuriteServiceOf(env));
  const executed = { count: 0 };
  const host = await startBenchHost(
    { COLLECT_SCHEDULE: first.config.collectSchedule, ...env.appSettings },
    () => executed.count++,
  );
  const queue = createQueueClient(undefined, COLLECT_QUEUE, env.appSettings);
  await queue.createIfNotExists();
  // Windows run oldest first and each mode gets its own hours, so every cycle is a fresh window (not a
  // rewrite) and no cycle finds another's window missing (gap healing would queue it).
  const windows = modes.length * cycles.length;
  let windowIndex = 0;
  const series = benchCustomers.reduce(
    (n, c) => n + (c.resources ?? []).reduce((m, r) => m + (r.metrics?.length ?? 0), 0),
    0,
  );
  // A worker keeps the credentials (and their cached tokens) of its CUSTOMER_CACHE_SIZE most recent customers.
  // With more customers than that, a warm cycle signs in again: customers come round in the same order each
  // hour, so least-recently-used drops each one before its next turn (the memory bound's price, said beside it).
  const cacheSize = first.config.customerCacheSize;
  const beyondCache =
    customers.length > cacheSize ? `; credentials cached for ${cacheSize} of ${customers.length} customers` : '';
  for (const mode of modes) {
    const services = mode === 'batch' ? first : servicesFor(mode);
    setServices(services);
    await env.sandbox.resetArmReads();
    for (const label of cycles) {
      const hoursAgo = windows - windowIndex++;
      const plan = planCollectionRun(customers, '0 0 * * * *', new Date(Date.now() - (hoursAgo - 1) * 3600_000));
      await env.sandbox.clearRequests();
      storage.reset();
      const emulatorsBefore = emulatorUsage(env.sandbox);
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      // Through the queue and the local Functions host, as in Azure: host.json's batchSize + newBatchThreshold
      // decide how many customers run at once; every message runs the whole worker (bookkeeping included).
      await mapWithConcurrency(plan.messages, 16, (message) =>
        queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64')),
      );
      // Progress on long runs: worker invocations finished (a retried message counts once per attempt).
      const doneBefore = executed.count;
      const ticker = setInterval(
        () =>
          console.error(
            `[bench] ${mode} ${label}: ${executed.count - doneBefore} of ${plan.messages.length} messages done, ` +
              `${Math.round((performance.now() - started) / 1000)} s`,
          ),
        15_000,
      );
      await host.waitForIdle().finally(() => clearInterval(ticker));
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      const emulatorsAfter = emulatorUsage(env.sandbox);
      const counts = await env.sandbox.requestCounts();
      const storageCounts = storage.counts();
      const outcomes = await readOutcomes(services, plan.runId, customers.length);
      const metricsCalls = (counts['metrics getBatch'] ?? 0) + (counts['arm metrics'] ?? 0);
      const metricsBound = mode === 'batch' ? bound.metricsBatch : bound.metricsPerResource;
      const stateReads = (counts['arm resourceGraph'] ?? 0) + (counts['arm resource'] ?? 0);
      const tableBatches = storageCounts['table batch'] ?? 0;
      const storageCalls = Object.values(storageCounts).reduce((n, v) => n + v, 0);
      rows.push({
        mode,
        cycle: label,
        seconds: round(seconds),
        failed: customers.length - outcomes.ok,
        'customers/s': round(plan.messages.length / seconds),
        'datapoints/s': Math.round(outcomes.datapoints / seconds),
        tokens: `${counts['entra token'] ?? 0} (≥${label === 'cold' ? bound.tokens : 0}${label === 'warm' ? beyondCache : ''})`,
        'kv reads': counts['vault GET'] ?? 0,
        'metrics calls': `${metricsCalls} (≥${metricsBound}, ×${ratio(metricsCalls, metricsBound)})`,
        'state reads': `${stateReads} (≥${bound.stateReads}, ×${ratio(stateReads, bound.stateReads)})`,
        'arm 429': Object.entries(counts)
          .filter(([k]) => k.endsWith(' throttled'))
          .reduce((n, [, v]) => n + v, 0),
        'table batches': `${tableBatches} (≥${series}, ×${ratio(tableBatches, series)})`,
        'storage calls/customer': round(storageCalls / customers.length),
        'product cpu s': round((cpu.user + cpu.system) / 1e6),
        'sandbox cpu s': cpuBetween(emulatorsBefore.sandbox, emulatorsAfter.sandbox),
        'azurite cpu s': cpuBetween(emulatorsBefore.azurite, emulatorsAfter.azurite),
        'product peak rss MB': productPeakRssMb(),
        'product live heap MB': liveHeapMb(),
      });
      storageByCycle.push({ mode, cycle: label, ...storageCounts });
      facts.push({
        mode,
        cycle: label,
        seconds,
        metricsCalls,
        stateReads,
        failed: customers.length - outcomes.ok,
        peakRssMb: productPeakRssMb(),
      });
      console.error(
        `[bench] ${mode} ${label}: ${round(seconds)} s, cloud ${JSON.stringify(counts)}, storage ${JSON.stringify(storageCounts)}`,
      );
    }
  }
  setServices(first);
  await host.close();
  storage.close();

  // The fleet views with every customer loaded; a view that takes longer than the timeout is reported as such.
  const timeIt = async (fn: () => Promise<unknown>): Promise<number | string> => {
    const t = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), viewsTimeoutMs)));
    const outcome = await Promise.race([fn().then(() => 'done' as const), gaveUp]);
    clearTimeout(timer);
    return outcome === 'timeout' ? `> ${viewsTimeoutMs / 1000} s` : round(performance.now() - t);
  };
  const views = {
    dashboardMs: await timeIt(() => getDashboard(first)),
    healthMs: await timeIt(() => getHealth(first)),
    ...(await measureFanOut(first)),
  };
  const peakRssMb = productPeakRssMb();
  // The V8 heap limit the product ran with (`npm run bench` sets the one Bicep gives the worker, NODE_OPTIONS).
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 1e6);
  const emulators = emulatorUsage(env.sandbox);

  const report = {
    when: new Date().toISOString(),
    node: process.version,
    shape,
    latencyMs,
    hostQueues: JSON.parse(readFileSync(join(process.cwd(), 'host.json'), 'utf8')).extensions?.queues,
    setupSeconds: round(setupMs / 1000),
    lowerBounds: bound,
    cycles: rows,
    views,
    peakRssMb,
    heapLimitMb,
    emulators: { sandbox: emulators.sandbox ?? '-', azurite: emulators.azurite ?? '-' },
    importTimes,
    storageByCycle,
    targets: checkTargets({
      customers: customers.length,
      metricsLowerBound: bound.metricsBatch,
      cycles: facts,
      dashboardMs: views.dashboardMs,
      importRatio: importTimes.importRatio,
      importWallRatio: importTimes.importWallRatio,
    }),
    note:
      'Peak RSS, live heap and CPU are this process: the product (local Functions host, SDK clients, workers) and ' +
      'the bench driving it. The sandbox cloud and Azurite each run in their own process; their CPU and memory ' +
      '(emulators) are what emulating Azure costs, apart from the product.',
  };
  console.table(rows);
  console.table([{ ...views, 'product peak rss MB': peakRssMb, 'product heap limit MB': heapLimitMb }]);
  console.table(
    Object.entries({ sandbox: emulators.sandbox, azurite: emulators.azurite }).map(([emulator, usage]) => ({
      emulator,
      'cpu s (whole run)': usage ? round(usage.cpuSeconds) : '-',
      'peak rss MB': usage?.peakRssMb ?? '-',
    })),
  );
  console.table(importTimeRows(importTimes));
  console.log(`import times (measured before the environment started): ${describeImportTimes(importTimes)}`);
  console.table(report.targets);
  const dir = join(process.cwd(), 'test-output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(report, null, 2));
  console.error(`[bench] report written to test-output/bench.json`);
  await env.close();
}

/** The app's compiled function files on the local Functions host (no timers: the bench queues the windows). */
async function startBenchHost(
  appSettings: Readonly<Record<string, string>>,
  onWorkerExecuted: () => void,
): Promise<LocalHost> {
  const root = process.cwd();
  const functionModules = globSync('dist/functions/*.js', { cwd: root }).map((f) => join(root, f));
  return startLocalHost({
    functionModules,
    appSettings,
    hostJsonPath: join(root, 'host.json'),
    httpPort: 0,
    startTimers: false,
    log: (level, message) => {
      if (message.startsWith("Executed 'collect-customer'")) onWorkerExecuted();
      if (level === 'error') console.error(`[bench host] ${message}`);
    },
  });
}

/** The emulators' own processes, read from /proc: the sandbox cloud by its pid, Azurite as every other child. */
function emulatorUsage(sandbox: SandboxProcess): {
  sandbox: ProcessUsage | undefined;
  azurite: ProcessUsage | undefined;
} {
  return { sandbox: processUsage(sandbox.pid), azurite: childProcessUsage(process.pid, [sandbox.pid]) };
}

function cpuBetween(before: ProcessUsage | undefined, after: ProcessUsage | undefined): number | '-' {
  return before && after ? round(after.cpuSeconds - before.cpuSeconds) : '-';
}

/** This process's peak resident memory so far (getrusage's maxrss, in kB): the product's, emulators apart. */
function productPeakRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
}

/** Azurite's three endpoints by `host:port`, so storage requests are counted per service. */
function azuriteServiceOf(env: LocalEnvironment<SandboxEndpoints>): StorageServiceOf {
  const byHost = new Map<string, 'blob' | 'queue' | 'table'>([
    [new URL(env.azurite.blobEndpoint).host, 'blob'],
    [new URL(env.azurite.queueEndpoint).host, 'queue'],
    [new URL(env.azurite.tableEndpoint).host, 'table'],
  ]);
  return (host) => byHost.get(host);
}

/** How each customer's run ended, from the run records the worker wrote (the bench reads, it does not guess). */
async function readOutcomes(
  services: Services,
  runId: string,
  customers: number,
): Promise<{ ok: number; datapoints: number }> {
  const runs = await services.runs.get(runId);
  const finished = runs.filter((r) => r.status === 'succeeded');
  if (runs.length < customers) console.error(`[bench] only ${runs.length} of ${customers} run records for ${runId}`);
  return { ok: finished.length, datapoints: finished.reduce((n, r) => n + (r.datapointsWritten ?? 0), 0) };
}

/**
 * The timer's own time at this fleet size: read the registry, plan one message per customer. Run on the
 * handler with the output captured, so the measured time is the function's, not the host's queue writes.
 */
async function measureFanOut(services: Services): Promise<{ fanOutMs: number; messages: number }> {
  const context = new InvocationContext({
    functionName: 'collect-schedule',
    invocationId: 'bench-fan-out',
    logHandler: () => undefined,
  });
  const started = performance.now();
  await handleCollectSchedule(services, context);
  const fanOutMs = round(performance.now() - started);
  const queued = context.extraOutputs.get(collectQueueOutput);
  const messages = Array.isArray(queued) ? queued.length : 0;
  return { fanOutMs, messages };
}

/**
 * The JavaScript heap still reachable after a full collection (with `--expose-gc`, as `npm run bench` runs):
 * what the process actually holds, unlike RSS, which also counts heap V8 reserved and has not given back.
 */
function liveHeapMb(): number | '-' {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return '-';
  gc();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
}

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}

const ratio = (actual: number, bound: number) => (bound === 0 ? '-' : (actual / bound).toFixed(2));
const round = (n: number) => Math.round(n * 100) / 100;

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
