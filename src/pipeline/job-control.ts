import { DelayedError, type Job } from 'bullmq';

/**
 * How a job in hand gives way (issue 6): when its process shuts down (SIGTERM) or its partner is
 * paused, a processor stops at a safe point — between pages, never inside a batch's transaction —
 * and hands the job back to the queue, where any worker takes it up again. Nothing is lost: the
 * store's cursors say where it stood, and writes are idempotent.
 */
export interface JobControl {
  /** Aborted when this process shuts down: processors stop at the next safe point and hand back. */
  readonly signal: AbortSignal;
}

/** A processor's way of saying "put this job back": the worker wrapper turns it into a BullMQ delay. */
export class HandBack extends Error {
  constructor(readonly why: 'shutdown' | 'paused', readonly delayMs: number) {
    super(`job handed back (${why})`);
    this.name = 'HandBack';
  }
}

/** A control that never aborts: for callers without a shutdown (tests of a single processor, the bench). */
export const noJobControl: JobControl = { signal: new AbortController().signal };

/**
 * Moves the job back to the queue (delayed by `delayMs`, 0 = at once) and throws BullMQ's
 * DelayedError, so the attempt is not counted as a failure. Needs the worker's lock token.
 */
export async function handBack(job: Job, token: string | undefined, delayMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
