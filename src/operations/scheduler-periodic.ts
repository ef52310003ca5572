import { errorFields, type Logger } from '../logging/logger.js';
import type { SlotClaims } from './slot-claims.js';

/**
 * Periodic tasks of the scheduler: work that runs every so many milliseconds rather than on a cron
 * expression, such as the alert checks (`operations.alerts.checkEverySeconds`). Each period is
 * claimed like a slot (`periodic:<name>@<start of the period>`), so with several schedulers a task
 * runs once per period, not once per scheduler. A run still busy when the next period starts is
 * not overlapped: that period is left out.
 */
export interface PeriodicTask {
  /** Fixed name, in the claim key and log lines (e.g. `alerts`). */
  readonly name: string;
  readonly everyMs: number;
  /** Failures are logged, never thrown out of the scheduler. */
  run(now: Date): Promise<void>;
}

export interface PeriodicContext {
  readonly claims: SlotClaims;
  readonly logger: Logger;
  readonly now: () => Date;
  /** The scheduler's record of work in progress, so close() waits for a run. */
  readonly track: <T>(work: Promise<T>) => Promise<T>;
}

/** The claim of one period of a task: periods start at multiples of `everyMs` since the epoch, the same on every machine. */
export function periodSlot(task: Pick<PeriodicTask, 'name' | 'everyMs'>, now: Date): string {
  const start = Math.floor(now.getTime() / task.everyMs) * task.everyMs;
  return `periodic:${task.name}@${new Date(start).toISOString()}`;
}

/** Runs one period of a task if this scheduler wins its claim; true when it ran. */
export async function runPeriod(task: PeriodicTask, context: PeriodicContext): Promise<boolean> {
  const now = context.now();
  const slot = periodSlot(task, now);
  try {
    const claim = await context.claims.claim(slot, (2 * task.everyMs) / 1000);
    if (!claim.won) return false;
    await task.run(now);
    return true;
  } catch (error) {
    context.logger.error({ task: task.name, slot, ...errorFields(error) }, 'periodic task failed');
    return false;
  }
}

export function startPeriodicTasks(tasks: readonly PeriodicTask[], context: PeriodicContext): { stop(): void } {
  const timers = tasks.map((task) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      void context.track(runPeriod(task, context)).finally(() => { busy = false; });
    }, task.everyMs);
  });
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
