import type { InvocationContext } from '@azure/functions';
import { collectQueueOutput } from '../app/bindings';
import type { Services } from '../app/create-services';
import { contextLogger } from '../logging/logger';
import { planCollectionRun } from './plan-collection-run';

/**
 * Timer handler: one queue message per enabled customer for the window that just closed. Messages go
 * out through the output binding, so the host writes them only if this function succeeds. It returns
 * as soon as they are planned: the health sweep (customers whose runs stopped) is its own timer,
 * functions/health-sweep.ts.
 */
export async function handleCollectSchedule(services: Services, context: InvocationContext): Promise<void> {
  await services.ensureStorage();
  const customers = await services.registry.list();
  const plan = planCollectionRun(customers, services.config.collectSchedule, services.now());
  context.extraOutputs.set(collectQueueOutput, plan.messages);
  contextLogger(context).info(
    `Run ${plan.runId}: queued ${plan.messages.length} of ${customers.length} customers for ${plan.windowStart}/${plan.windowEnd}`,
    { runId: plan.runId, customers: plan.messages.length, windowStart: plan.windowStart },
  );
}
