import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectQueueOutput } from '../../lib/app/bindings';
import { handleCollectSchedule } from '../../lib/collect/handle-collect-schedule';
import { handleHealthSweep } from '../../lib/health/handle-health-sweep';
import { HEALTH_CHANGED_EVENT } from '../../lib/health/update-customer-health';
import { startTestApp, type TestApp } from '../support/start-test-app';

const HOUR = 3_600_000;
let app: TestApp;
let clock = new Date('2026-11-30T10:05:00.000Z');

function context(functionName: string, lines: string[]): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: `${functionName}-test`,
    logHandler: (_level, ...args) => lines.push(args.map(String).join(' ')),
  });
}

beforeAll(async () => {
  app = await startTestApp({ now: () => clock });
});
afterAll(async () => app?.close());

describe('handleCollectSchedule', () => {
  it('plans one message per enabled customer and leaves health alone (the sweep is its own timer)', async () => {
    const enabled = (await app.services.registry.list()).filter((c) => c.enabled);
    const ctx = context('collect-schedule', []);
    await handleCollectSchedule(app.services, ctx);
    const messages = ctx.extraOutputs.get(collectQueueOutput) as Array<{ customerId: string }>;
    expect(messages.map((m) => m.customerId).sort()).toEqual(enabled.map((c) => c.id).sort());
    expect(await app.services.health.list()).toEqual([]);
  });
});

describe('handleHealthSweep', () => {
  it('turns a customer whose runs stopped stale, once, and evaluates every enabled customer', async () => {
    await app.services.statuses.record({
      customerId: 'contoso',
      lastRunId: 'sweep-1',
      lastWindowStart: '2026-11-30T09:00:00.000Z',
      lastWindowEnd: '2026-11-30T10:00:00.000Z',
      lastAttemptAt: clock.toISOString(),
      outcome: 'ok',
      datapointsWritten: 1,
      resources: [],
    });
    const lines: string[] = [];
    await handleHealthSweep(app.services, context('health-sweep', lines));
    expect((await app.services.health.find('contoso'))?.state).toBe('healthy');

    clock = new Date(clock.getTime() + 3 * HOUR); // three hourly windows without a run
    await handleHealthSweep(app.services, context('health-sweep', lines));
    await handleHealthSweep(app.services, context('health-sweep', lines));
    expect(await app.services.health.find('contoso')).toMatchObject({ state: 'stale' });
    const changes = lines.filter((l) => l.includes(HEALTH_CHANGED_EVENT) && l.includes('"customerId":"contoso"'));
    expect(changes.map((l) => (JSON.parse(l) as { newState: string }).newState)).toEqual(['healthy', 'stale']);

    const enabled = (await app.services.registry.list()).filter((c) => c.enabled).map((c) => c.id);
    expect((await app.services.health.list()).map((h) => h.customerId).sort()).toEqual(enabled.sort());
    expect(lines.at(-1)).toContain(`Health sweep: evaluated ${enabled.length} customers`);
  });
});
