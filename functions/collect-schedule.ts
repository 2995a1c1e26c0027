import { app } from '@azure/functions';
import { collectQueueOutput } from '../lib/app/bindings';
import { loadServices } from '../lib/app/services';

/** Every COLLECT_SCHEDULE tick (hourly by default): one queue message per enabled customer. */
app.timer('collect-schedule', {
  schedule: '%COLLECT_SCHEDULE%',
  extraOutputs: [collectQueueOutput],
  handler: async (_timer, context) =>
    (await import('../lib/collect/handle-collect-schedule.js')).handleCollectSchedule(await loadServices(), context),
});
