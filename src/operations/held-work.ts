import type { Job } from 'bullmq';
import type { QueueSet } from '../../jobs/queues.js';
import { syncJobSchema, type SyncJobData } from '../../jobs/sync.js';

/**
 * Work held for a paused partner (issue 6). A sync job of a paused partner is moved to the
 * delayed state and looks again every `operations.holdSeconds`; `werkbrug resume` promotes it at
 * once. Sync jobs are queued with one attempt, so a delayed sync job is always held work.
 */
export interface HeldRun {
  readonly jobId: string;
  readonly data: SyncJobData;
  /** When it looks again whether its partner was resumed. */
  readonly nextLookAt: string;
}

export async function heldSyncJobs(queues: Pick<QueueSet, 'sync'>, partnerId?: string): Promise<HeldRun[]> {
  const jobs: Job[] = await queues.sync.getDelayed(0, -1);
  const held: HeldRun[] = [];
  for (const job of jobs) {
    const data = syncJobSchema.safeParse(job.data);
    if (!data.success || (partnerId !== undefined && data.data.partnerId !== partnerId)) continue;
    held.push({ jobId: job.id ?? '', data: data.data, nextLookAt: new Date(job.timestamp + (job.delay ?? 0)).toISOString() });
  }
  return held;
}

/** Promotes every held job of the partner (sync and pull queues): they run as soon as a worker is free. */
export async function releaseHeldWork(queues: Pick<QueueSet, 'sync' | 'pull'>, partnerId: string): Promise<number> {
  let released = 0;
  for (const queue of [queues.sync, queues.pull]) {
    for (const job of await queue.getDelayed(0, -1)) {
      const data = job.data as { partnerId?: unknown } | undefined;
      if (data?.partnerId !== partnerId) continue;
      try {
        await job.promote();
        released += 1;
      } catch {
        // Already taken up (it looked again itself): nothing to release.
      }
    }
  }
  return released;
}
