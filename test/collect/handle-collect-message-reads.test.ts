import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../lib/app/create-services';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import { recentWindow } from '../support/recent-window';
import { startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/**
 * The real services, with the registry, status and coverage stores' reads counted: each store is the real
 * one (same table client), its read methods wrapped to count calls on their way through.
 */
function countingServices(): { services: Services; reads: Record<string, number> } {
  const reads: Record<string, number> = {};
  const counted = <T extends object>(store: T, name: string, methods: ReadonlyArray<keyof T & string>): T => {
    const wrapper = Object.create(store) as T;
    for (const method of methods) {
      const original = store[method] as (...args: unknown[]) => unknown;
      Object.defineProperty(wrapper, method, {
        value: (...args: unknown[]) => {
          reads[`${name}.${method}`] = (reads[`${name}.${method}`] ?? 0) + 1;
          return original.apply(wrapper, args);
        },
      });
    }
    return wrapper;
  };
  const services: Services = {
    ...app.services,
    registry: counted(app.services.registry, 'registry', ['find', 'get', 'list']),
    statuses: counted(app.services.statuses, 'statuses', ['find', 'list']),
    coverage: counted(app.services.coverage, 'coverage', ['summary']),
  };
  return { services, reads };
}

async function deliver(services: Services, customerId: string, hoursAgo: number): Promise<void> {
  const message = {
    version: 1,
    runId: `reads-${customerId}-${hoursAgo}`,
    customerId,
    ...recentWindow(hoursAgo),
    trigger: 'schedule',
  };
  const context = new InvocationContext({
    functionName: 'collect-customer',
    invocationId: message.runId,
    triggerMetadata: { dequeueCount: 1 },
    logHandler: () => undefined,
  });
  await handleCollectMessage(services, message, context);
}

describe('handleCollectMessage: storage reads per message', () => {
  it.each([
    ['contoso', 'a success'],
    ['fabrikam', 'a permanent failure (expired secret)'],
  ])('reads the registry, the status row and the coverage summary once for %s (%s)', async (customerId) => {
    const { services, reads } = countingServices();
    await deliver(services, customerId, 2);
    // statuses.find: the collection reads the status row once, early (the failure streak and whether the customer
    // has any history build on it); the status write and the health update reuse it.
    expect(reads).toEqual({ 'registry.find': 1, 'statuses.find': 1, 'coverage.summary': 1 });
    expect(await app.services.health.find(customerId)).toBeDefined();
  });
});
