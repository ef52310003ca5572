import type { QueueSet } from '../../jobs/queues.js';
import { syncJobSchema, type SyncJobData } from '../../jobs/sync.js';
import { errorFields, type Logger } from '../logging/logger.js';
import { newRunId } from '../pipeline/run-sync.js';
import type { OperationsStore } from '../store/operations-records.js';
import { heldSyncJobs } from './held-work.js';
import { scheduleKey, slotId, slotJobId, type SyncSchedule } from './schedule-slots.js';
import type { SlotClaims } from './slot-claims.js';

/**
 * One slot of a schedule, handled as every scheduler handles it: claim the slot in Redis, and only
 * the scheduler that won the claim queues the sync job. The job is recorded as a run by the worker
 * that takes it (`trigger: 'schedule'`, the slot id on the run), so the scheduler needs no store
 * beyond the pause state. A slot of a paused partner is claimed too, but queued only when no run
 * of that partner waits already: a week-long pause is one catch-up run on resume, not 168.
 */
export type SlotOutcome =
  | { readonly kind: 'queued'; readonly slot: string; readonly runId: string; readonly jobId: string }
  /** Another scheduler claimed the slot (or its job was queued already). */
  | { readonly kind: 'taken'; readonly slot: string; readonly holder: string | undefined }
  /** The partner is paused and a run of it waits already (its job id). */
  | { readonly kind: 'skipped-paused'; readonly slot: string; readonly waitingJob: string }
  /** Redis refused the job; the claim was given back and the error logged. */
  | { readonly kind: 'failed'; readonly slot: string };

export type SlotReason = 'tick' | 'catch-up' | 'late';

export interface SlotContext {
  readonly queues: Pick<QueueSet, 'sync'>;
  readonly claims: SlotClaims;
  readonly operations: Pick<OperationsStore, 'isPartnerPaused'>;
  readonly logger: Logger;
  /** How long a claim is kept (`operations.scheduler.slotRetentionDays`). */
  readonly claimSeconds: number;
}

/** A sync job of the partner that has not started: held for the pause, or still waiting for a worker. */
export async function waitingRunOf(queues: Pick<QueueSet, 'sync'>, partnerId: string): Promise<string | undefined> {
  const [held] = await heldSyncJobs(queues, partnerId);
  if (held) return held.jobId;
  const waiting = await queues.sync.getWaiting(0, -1);
  return waiting.find((job) => syncJobSchema.safeParse(job.data).data?.partnerId === partnerId)?.id;
}

/** Never throws: a Redis or store failure is logged and returned as `failed` (cron ticks have nobody to throw to). */
export async function handleSyncSlot(context: SlotContext, schedule: SyncSchedule, at: Date, reason: SlotReason): Promise<SlotOutcome> {
  const key = scheduleKey(schedule);
  const slot = slotId(key, at);
  const log = context.logger.child({ schedule: key, partner: schedule.partnerId, slot, reason });
  // Set while this scheduler holds the claim of a slot it has not queued: a failure then gives it back.
  let holding = false;
  try {
    const claim = await context.claims.claim(slot, context.claimSeconds);
    if (!claim.won) {
      await context.claims.moveLast(key, at);
      log.debug({ claimedBy: claim.holder }, 'slot claimed by another scheduler');
      return { kind: 'taken', slot, holder: claim.holder };
    }
    holding = true;
    if (await context.operations.isPartnerPaused(schedule.partnerId)) {
      const waitingJob = await waitingRunOf(context.queues, schedule.partnerId);
      if (waitingJob !== undefined) {
        await context.claims.moveLast(key, at);
        log.info({ waitingJob }, 'slot skipped: partner paused, one run already waits');
        return { kind: 'skipped-paused', slot, waitingJob };
      }
    }
    const data: SyncJobData = syncJobSchema.parse({
      runId: newRunId(schedule.partnerId, at), partnerId: schedule.partnerId, trigger: 'schedule', slot,
      ...(schedule.streams ? { onlyStreams: [...schedule.streams] } : {}),
    });
    const jobId = slotJobId(key, at);
    // Sync jobs have one attempt: a failed run is retried as a new run (`werkbrug retry`), and a
    // delayed sync job is always held work (held-work.ts).
    await context.queues.sync.add('run', data, { jobId, attempts: 1 });
    holding = false;
    await context.claims.moveLast(key, at);
    // `add` answers with the data given, not the job kept: read back what the queue holds.
    const queuedRun = syncJobSchema.safeParse((await context.queues.sync.getJob(jobId))?.data).data?.runId;
    if (queuedRun !== data.runId) {
      // BullMQ kept the job of an earlier add with this id: the slot was queued before.
      log.warn({ jobId, run: queuedRun }, 'slot was queued already');
      return { kind: 'taken', slot, holder: undefined };
    }
    log.info({ jobId, run: data.runId, ...(schedule.streams ? { streams: schedule.streams } : {}) }, 'scheduled run queued');
    return { kind: 'queued', slot, runId: data.runId, jobId };
  } catch (error) {
    if (holding) await context.claims.release(slot).catch(() => undefined);
    log.error({ ...errorFields(error) }, 'scheduled run could not be queued');
    return { kind: 'failed', slot };
  }
}
