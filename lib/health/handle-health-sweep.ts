import type { InvocationContext } from '@azure/functions';
import type { Services } from '../app/create-services';
import { contextLogger } from '../logging/logger';
import { updateAllCustomerHealth } from './update-customer-health';

/**
 * Timer handler (HEALTH_SWEEP_SCHEDULE): re-evaluates every enabled customer's health, so a customer
 * whose runs stopped (timer or worker down) turns `stale`. The workers update health after each run;
 * this catches the ones that did not run. It has its own timer rather than running in the fan-out,
 * which at 1,000 customers waited 11-16 s for it before any queue message went out.
 */
export async function handleHealthSweep(services: Services, context: InvocationContext): Promise<void> {
  await services.ensureStorage();
  const log = contextLogger(context);
  const evaluated = await updateAllCustomerHealth(services, log);
  const counts = Object.entries(
    evaluated.reduce<Record<string, number>>(
      (byState, h) => ({ ...byState, [h.state]: (byState[h.state] ?? 0) + 1 }),
      {},
    ),
  )
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  log.info(`Health sweep: evaluated ${evaluated.length} customers (${counts || 'none'})`, {
    customers: evaluated.length,
  });
}
