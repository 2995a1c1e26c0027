import type { Services } from './create-services';

let services: Services | undefined;
let loading: Promise<Services> | undefined;

/**
 * The process-wide services, built on the first invocation rather than at module load. Two reasons:
 * a bad setting fails that invocation with a clear message instead of crashing the worker at import,
 * and the composition root (and with it the Azure SDKs, ~0.6 s of module loading) stays out of the
 * function entries' import, which the host runs for every function on every cold start. Function files
 * import their handler module the same way (`await import(...)` inside the handler); a test keeps any
 * Azure SDK but `@azure/functions` out of the entries' static import graph.
 */
export async function loadServices(): Promise<Services> {
  if (services) return services;
  loading ??= Promise.all([import('./create-services.js'), import('../config/load-config.js')]).then(
    ([{ createServices }, { loadConfig }]) => (services ??= createServices(loadConfig())),
  );
  try {
    return await loading;
  } finally {
    // A failed build (bad setting) is tried again by the next invocation, like before.
    loading = undefined;
  }
}

/** Replaces the process-wide services (local host and tests that build their own). */
export function setServices(next: Services | undefined): void {
  services = next;
  loading = undefined;
}
