import { evaluateAlerts } from '../operations/alerts/index.js';
import { reapLostRuns } from '../operations/lost-runs.js';
import { startOperationsEndpoint } from '../operations/operations-endpoint.js';
import type { PeriodicTask } from '../operations/scheduler.js';
import type { SchedulerCommandOptions, SchedulerOpened } from './scheduler.js';

/**
 * What `werkbrug scheduler` runs besides the schedules, every `operations.alerts.checkEverySeconds`
 * (claimed per period, so several schedulers do it once): runs whose job is gone are marked failed
 * (`lost-runs.ts`), and the alerts are checked. And the health and metrics endpoint.
 */
export function alertChecks(opened: SchedulerOpened): readonly PeriodicTask[] {
  return [{
    // Runs whose sync job is gone are failed first, so the alert check sees them as failed.
    name: 'lost-runs',
    everyMs: opened.config.operations.alerts.checkEverySeconds * 1000,
    async run(now) {
      await reapLostRuns({ store: opened.store, queues: opened.queues, logger: opened.logger, now });
    },
  }, {
    name: 'alerts',
    everyMs: opened.config.operations.alerts.checkEverySeconds * 1000,
    async run(now) {
      const report = await evaluateAlerts({ config: opened.config, store: opened.store, logger: opened.logger, env: opened.env }, { now });
      opened.logger.debug({ ...report }, 'alerts checked');
    },
  }];
}

export const schedulerPlugins: Pick<SchedulerCommandOptions, 'periodic' | 'alongside'> = {
  periodic: alertChecks,
  alongside: (opened) => startOperationsEndpoint({ config: opened.config, env: opened.env, queues: opened.queues, store: opened.store, logger: opened.logger, loop: { name: 'scheduler', running: () => true } }),
};
