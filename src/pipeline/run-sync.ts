import { randomBytes } from 'node:crypto';
import type { QueueSet } from '../../jobs/queues.js';
import type { SyncJobData, SyncResult } from '../../jobs/sync.js';
import type { NewSyncRun, SyncRun } from '../store/store.js';
import type { Runtime } from './runtime.js';

/** `r20261125T101500Z-ggz-altrecht-9f3a`: sortable, readable, no ':' (it becomes part of job ids). */
export function newRunId(partnerId: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `r${stamp}-${partnerId}-${randomBytes(2).toString('hex')}`;
}

/**
 * Starts one sync run per partner (records the run in the store, then queues its `sync` job) and
 * waits until every run has finished. Returns the runs as the store recorded them.
 */
export async function runSync(runtime: Runtime, queues: QueueSet, partnerIds: readonly string[], trigger: NewSyncRun['trigger']): Promise<SyncRun[]> {
  const started = await Promise.all(partnerIds.map(async (partnerId) => {
    const runId = newRunId(partnerId, runtime.now());
    await runtime.store.createRun({ runId, partnerId, trigger, startedAt: runtime.now().toISOString() });
    const data: SyncJobData = { runId, partnerId };
    const job = await queues.sync.add('run', data, { jobId: runId, attempts: 1 });
    return { runId, job };
  }));
  await Promise.all(started.map(async ({ job }) => {
    try {
      (await job.waitUntilFinished(queues.events.sync)) as SyncResult;
    } catch {
      // The run's own record says why; a sync job only throws on a werkbrug bug.
    }
  }));
  const runs = await Promise.all(started.map(({ runId }) => runtime.store.getRun(runId)));
  return runs.filter((run): run is SyncRun => run !== undefined);
}
