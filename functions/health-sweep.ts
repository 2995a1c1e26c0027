import { app } from '@azure/functions';
import { loadServices } from '../lib/app/services';

/** Every HEALTH_SWEEP_SCHEDULE tick (half past the hour by default): customers whose runs stopped turn stale. */
app.timer('health-sweep', {
  schedule: '%HEALTH_SWEEP_SCHEDULE%',
  handler: async (_timer, context) =>
    (await import('../lib/health/handle-health-sweep.js')).handleHealthSweep(await loadServices(), context),
});
