import { loadConfig } from '../config/load-config';
import { createServices, type Services } from './create-services';

let services: Services | undefined;

/**
 * The process-wide services, built on first use rather than at module load, so that a bad setting
 * fails the invocation with a clear message instead of crashing the worker at import. (The SDK
 * modules themselves load with the function files, ~350 ms on a cold start; building the clients
 * lazily saves little beside that.)
 */
export function getServices(): Services {
  services ??= createServices(loadConfig());
  return services;
}

/** Replaces the process-wide services (local host and tests that build their own). */
export function setServices(next: Services | undefined): void {
  services = next;
}
