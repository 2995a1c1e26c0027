import { app } from '@azure/functions';
import { collectQueueOutput } from '../lib/app/bindings';
import { getServices } from '../lib/app/services';
import { handleCollectSchedule } from '../lib/collect/handle-collect-schedule';

/** Every COLLECT_SCHEDULE tick (hourly by default): one queue message per enabled customer. */
app.timer('collect-schedule', {
  schedule: '%COLLECT_SCHEDULE%',
  extraOutputs: [collectQueueOutput],
  handler: (_timer, context) => handleCollectSchedule(getServices(), context),
});
