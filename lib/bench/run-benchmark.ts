import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../app/create-services';
import { setServices } from '../app/services';
import { mapWithConcurrency } from '../batching/map-with-concurrency';
import { closedWindow } from '../collect/closed-window';
import { collectCustomer } from '../collect/collect-customer';
import { planCollectionRun } from '../collect/plan-collection-run';
import { loadConfig } from '../config/load-config';
import { CustomerRegistry } from '../customers/customer-registry';
import { startLocalEnvironment } from '../local/start-local-environment';
import type { Logger } from '../logging/logger';
import { buildBenchScenario } from './build-bench-scenario';

const HELP = `Usage: npm run bench [-- options]

Measures a collection cycle on Azurite + the sandbox cloud with synthetic healthy customers
(each its own tenant, app, secret and VMs at PT1M), through the real SDK clients.

Options:
  --customers <n>     synthetic customers (default 40)
  --resources <n>     VMs per customer (default 4)
  --metrics <n>       metrics per VM, 1-4 (default 2)
  --concurrency <n>   customers collected at once, like the queue host's batchSize+newBatchThreshold (default 12)
  --queries <n>       24 h series queries to time (default 50)
  -h, --help
`;

const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '40' },
      resources: { type: 'string', default: '4' },
      metrics: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '12' },
      queries: { type: 'string', default: '50' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const shape = {
    customers: positive(values.customers, '--customers'),
    resourcesPerCustomer: positive(values.resources, '--resources'),
    metricsPerResource: positive(values.metrics, '--metrics'),
  };
  const concurrency = positive(values.concurrency, '--concurrency');
  const queries = positive(values.queries, '--queries');

  const setupStart = performance.now();
  const env = await startLocalEnvironment({ scenario: buildBenchScenario(shape) });
  Object.assign(process.env, env.appSettings);
  const services = createServices(loadConfig({ ...process.env, ...env.appSettings }));
  setServices(services);
  await services.ensureStorage();
  for (const c of env.scenario.customers.filter((c) => c.id.startsWith('bench-'))) {
    await services.registry.put(CustomerRegistry.validate(c));
  }
  const setupMs = performance.now() - setupStart;
  console.error(
    `[bench] ${shape.customers} customers × ${shape.resourcesPerCustomer} VMs × ${shape.metricsPerResource} metrics ready in ${(setupMs / 1000).toFixed(1)} s`,
  );

  const customers = await services.registry.list();
  const plan = planCollectionRun(customers, '0 0 * * * *', new Date());
  // The hour before: same customers, rows not yet written (tells token reuse from Azurite's rewrite cost).
  const earlierPlan = planCollectionRun(customers, '0 0 * * * *', new Date(Date.now() - 3600_000));
  const cycle = async (label: string, messages = plan.messages) => {
    const started = performance.now();
    const latencies: number[] = [];
    let datapoints = 0;
    let failed = 0;
    await mapWithConcurrency(messages, concurrency, async (message) => {
      const t = performance.now();
      const result = await collectCustomer(message, services, quietLogger);
      latencies.push(performance.now() - t);
      datapoints += result.datapointsWritten;
      if (result.outcome !== 'ok') failed++;
    });
    const ms = performance.now() - started;
    console.error(`[bench] ${label}: ${(ms / 1000).toFixed(2)} s`);
    return {
      label,
      seconds: round(ms / 1000),
      customers: messages.length,
      failed,
      datapoints,
      datapointsPerSecond: Math.round(datapoints / (ms / 1000)),
      customerP50ms: round(percentile(latencies, 50)),
      customerP95ms: round(percentile(latencies, 95)),
    };
  };
  const cold = await cycle('cycle 1 (cold: new credentials, token requests)');
  const warm = await cycle('cycle 2 (warm credentials, previous hour: new rows)', earlierPlan.messages);
  const rewrite = await cycle('cycle 3 (warm, first window again: every row replaced)');

  const window = closedWindow('0 0 * * * *', new Date());
  const sample = customers.filter((c) => c.id.startsWith('bench-'));
  const queryLatencies: number[] = [];
  for (let i = 0; i < queries; i++) {
    const customer = sample[i % sample.length]!;
    const target = customer.resources[i % customer.resources.length]!;
    const t = performance.now();
    await services.metricsTable.query({
      customerId: customer.id,
      resourceId: target.resourceId,
      metric: target.metrics[0]!,
      from: new Date(window.end.getTime() - 24 * 3600_000),
      to: window.end,
    });
    queryLatencies.push(performance.now() - t);
  }
  const query = { queries, p50ms: round(percentile(queryLatencies, 50)), p95ms: round(percentile(queryLatencies, 95)) };

  const report = {
    when: new Date().toISOString(),
    node: process.version,
    shape,
    concurrency,
    setupSeconds: round(setupMs / 1000),
    cycles: [cold, warm, rewrite],
    seriesQuery24h: query,
  };
  console.table([cold, warm, rewrite]);
  console.table([query]);
  const dir = join(process.cwd(), 'test-output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(report, null, 2));
  console.error(`[bench] report written to test-output/bench.json`);
  await env.close();
}

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
