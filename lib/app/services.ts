import { loadConfig } from '../config/load-config';
import { createServices, type Services } from './create-services';

let services: Services | undefined;

/**
 * The process-wide services, built on first use (not at module load, so a cold start that only
 * serves one HTTP route does not pay for the rest, and a bad setting fails the invocation with a
 * clear message instead of crashing the worker at import).
 */
export function getServices(): Services {
  services ??= createServices(loadConfig());
  return services;
}

/** Replaces the process-wide services (local host and tests that build their own). */
export function setServices(next: Services | undefined): void {
  services = next;
}
