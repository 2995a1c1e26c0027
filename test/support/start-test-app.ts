import { loadConfig } from '../../lib/config/load-config';
import { createServices, type Services } from '../../lib/app/create-services';
import { setServices } from '../../lib/app/services';
import { CustomerRegistry } from '../../lib/customers/customer-registry';
import type { DemoScenario } from '../../lib/local/demo/build-demo-scenario';
import { startLocalEnvironment, type LocalEnvironment } from '../../lib/local/start-local-environment';
import type { Logger } from '../../lib/logging/logger';

export interface TestApp {
  readonly env: LocalEnvironment;
  readonly services: Services;
  /** Demo secret values, for asserting they never leak. */
  readonly secretValues: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts Azurite + the sandbox cloud (demo scenario unless given), exports the app settings to
 * process.env like the Functions host does, builds the real services and registers the demo
 * customers. Each test file runs in its own process (vitest pool "forks"), so env changes stay local.
 */
export async function startTestApp(options: { scenario?: DemoScenario; now?: () => Date } = {}): Promise<TestApp> {
  const env = await startLocalEnvironment(options);
  Object.assign(process.env, env.appSettings);
  const services = createServices(loadConfig({ ...process.env, ...env.appSettings }), options.now);
  setServices(services);
  await services.ensureStorage();
  for (const customer of env.scenario.customers) await services.registry.put(CustomerRegistry.validate(customer));
  const secretValues = (env.scenario.seed.vaultSecrets ?? []).map((s) => s.value);
  return {
    env,
    services,
    secretValues,
    async close() {
      setServices(undefined);
      await env.close();
    },
  };
}

/** A Logger that keeps every line, to assert on what was logged (and that no secret was). */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, properties?: object) =>
    lines.push(`${level} ${message}${properties ? ` ${JSON.stringify(properties)}` : ''}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
