import { partnerWithoutCompleteRun } from '../pipeline/full-run.js';
import { errorFields, type Logger } from '../logging/logger.js';
import { checkpointAfterSync } from '../pipeline/run-sync.js';
import type { Runtime } from '../pipeline/runtime.js';
import { purgeExpired } from '../privacy/retention-purge.js';

/**
 * Housekeeping (`operations.scheduler.housekeeping`): the retention purge, then a signed
 * checkpoint of the consent log, on a cron of their own — so a region whose syncs are rare still
 * purges on time and gets a checkpoint covering the purge's own log entries. Run by the one
 * scheduler that wins the slot. Nothing is thrown: each part logs its failure, and the next slot
 * tries again.
 */
export interface HousekeepingResult {
  /** `waits`: some active partner's latest run is not complete, so no purge (as after a sync). */
  readonly purge: 'ran' | 'waits' | 'failed';
  readonly purgedPersons: number;
  /** `unchanged`: the log had not grown since the last checkpoint; `not-written`: no signing key, or a failure (logged). */
  readonly checkpoint: 'written' | 'unchanged' | 'not-written';
}

type HousekeepingRuntime = Pick<Runtime, 'store' | 'config' | 'now'>;

/**
 * A person's reference date is the latest of their rows over every partner: while a partner's
 * latest run failed (or never ran), a newer row may be missing and a purge would come too early
 * (the same rule as the purge after a sync, `retention-purge.ts`).
 */

async function purge(runtime: HousekeepingRuntime, log: Logger): Promise<Pick<HousekeepingResult, 'purge' | 'purgedPersons'>> {
  try {
    const waitingFor = await partnerWithoutCompleteRun(runtime.store, runtime.config.partners);
    if (waitingFor !== undefined) {
      log.info({ partnerWithoutCompleteRun: waitingFor }, 'retention purge waits until every partner has synced completely');
      return { purge: 'waits', purgedPersons: 0 };
    }
    const result = await purgeExpired({ store: runtime.store, config: runtime.config, now: runtime.now(), runId: null });
    const purged = result.purposes.filter((p) => p.persons > 0);
    const persons = purged.reduce((n, p) => n + p.persons, 0);
    log.info({ purposes: purged.map((p) => p.purpose), persons, rowsDeleted: purged.reduce((n, p) => n + p.rowsDeleted, 0) }, 'housekeeping retention purge done');
    return { purge: 'ran', purgedPersons: persons };
  } catch (error) {
    log.error({ ...errorFields(error) }, 'retention purge failed');
    return { purge: 'failed', purgedPersons: 0 };
  }
}

export async function runHousekeeping(runtime: Runtime, log: Logger = runtime.logger): Promise<HousekeepingResult> {
  const purged = await purge(runtime, log);
  const checkpoint = await checkpointAfterSync(runtime, false, log);
  return { ...purged, checkpoint: checkpoint === undefined ? 'not-written' : checkpoint.written ? 'written' : 'unchanged' };
}
