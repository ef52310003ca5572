import type { QueueSet } from '../../jobs/queues.js';
import type { Logger } from '../logging/logger.js';
import type { Store, SyncRun } from '../store/store.js';
import { slotJobId } from './schedule-slots.js';

/**
 * Runs whose sync job is gone while the store still says `running` (issue 6): the job's worker
 * died twice in a row (BullMQ then fails a stalled job outside the processor), Redis lost it, or
 * the store did not answer when the run ended. Left alone such a run would block `retry` and look
 * healthy in `status` for ever. The scheduler marks them failed (`WB_PIPELINE_JOB_FAILED`); a
 * retry then continues from the stored cursors.
 */
export function syncJobIdOf(run: Pick<SyncRun, 'runId' | 'slot'>): string {
  const at = run.slot?.lastIndexOf('@') ?? -1;
  if (run.slot === undefined || at < 0) return run.runId;
  return slotJobId(run.slot.slice(0, at), new Date(run.slot.slice(at + 1)));
}

/** True when no queue job can still finish the run (none, or one that already ended). */
export async function runJobGone(queues: Pick<QueueSet, 'sync'>, run: Pick<SyncRun, 'runId' | 'slot'>): Promise<boolean> {
  const job = await queues.sync.getJob(syncJobIdOf(run));
  if (!job) return true;
  const state = await job.getState();
  return state === 'completed' || state === 'failed' || state === 'unknown';
}

export async function markRunLost(store: Store, run: Pick<SyncRun, 'runId'>, now: Date): Promise<void> {
  await store.finishRun(run.runId, {
    status: 'failed', finishedAt: now.toISOString(), errorCode: 'WB_PIPELINE_JOB_FAILED',
    errorMessage: 'the run\'s sync job is gone (its worker stopped twice, or Redis lost it); werkbrug retry continues from the stored cursors',
  });
}

/** Marks failed every `running` run older than `graceMs` whose job is gone; returns their ids. */
export async function reapLostRuns(deps: { store: Store; queues: Pick<QueueSet, 'sync'>; logger: Logger; now: Date }, graceMs = 10 * 60_000): Promise<string[]> {
  const lost: string[] = [];
  const running = (await deps.store.listRuns({ limit: 1000 })).filter((run) => run.status === 'running' && deps.now.getTime() - Date.parse(run.startedAt) > graceMs);
  for (const run of running) {
    if (!(await runJobGone(deps.queues, run))) continue;
    await markRunLost(deps.store, run, deps.now);
    deps.logger.warn({ run: run.runId, partner: run.partnerId }, 'run without a job marked failed');
    lost.push(run.runId);
  }
  return lost;
}
