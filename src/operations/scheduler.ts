import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask, type TaskContext } from 'node-cron';
import type { QueueSet } from '../../jobs/queues.js';
import type { OperationsSettings } from '../config/operations-schema.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { errorFields, type Logger } from '../logging/logger.js';
import type { OperationsStore } from '../store/operations-records.js';
import { missedSlots, scheduleKey, type SyncSchedule } from './schedule-slots.js';
import { handleSyncSlot, type SlotContext, type SlotOutcome, type SlotReason } from './scheduler-slot.js';
import { startPeriodicTasks, type PeriodicTask } from './scheduler-periodic.js';
import { SlotClaims } from './slot-claims.js';

/**
 * `werkbrug scheduler` as a function (issue 6): runs the partners' schedules with node-cron and
 * queues one sync job per slot, however many schedulers run on however many machines (the slot is
 * claimed in Redis first, `slot-claims.ts`). At start it reports the slots missed while no
 * scheduler ran and catches up per `operations.scheduler.catchUp`. Besides: housekeeping on its
 * own cron, and periodic tasks (the alert checks) every so many milliseconds.
 */
export type { PeriodicTask } from './scheduler-periodic.js';
export type { SlotOutcome } from './scheduler-slot.js';

export interface SchedulerDeps {
  /** The sync queue and the plain connection of `openQueues`; the caller closes them. */
  readonly queues: Pick<QueueSet, 'sync' | 'connection'>;
  /** The process's Redis key prefix (WERKBRUG_REDIS_PREFIX), the one the queues use. */
  readonly prefix: string;
  /** Pauses set by `werkbrug pause` (`store.operations`). */
  readonly operations: Pick<OperationsStore, 'isPartnerPaused'>;
  readonly logger: Logger;
  /** The clock of the start-up catch-up and the periodic tasks (tests pin it); a cron tick carries its own slot. */
  readonly now?: () => Date;
  /** Written into every claim this scheduler wins; default `<host>/<pid>/<random>`. */
  readonly id?: string;
}

export interface HousekeepingTask {
  readonly cron: string;
  readonly timezone: string;
  /** Checkpoint and retention purge (`scheduler-housekeeping.ts`); runs in this process, once per slot over all schedulers. */
  run(slot: Date): Promise<void>;
}

export interface SchedulerOptions {
  /** Already checked schedules (`schedulesFromConfig`); six-field expressions (seconds) are accepted. */
  readonly schedules: readonly SyncSchedule[];
  readonly settings: Pick<OperationsSettings['scheduler'], 'catchUp' | 'maxCatchUpSlots' | 'slotRetentionDays'>;
  readonly housekeeping?: HousekeepingTask;
  readonly periodic?: readonly PeriodicTask[];
}

export interface MissedReport {
  readonly schedule: string;
  /** Slots after the schedule's last handled slot up to the start (capped at `missedCountLimit`). */
  readonly count: number;
  readonly capped: boolean;
  readonly from: string;
  readonly to: string;
  /** The slots catch-up ran (none with catchUp `none`), with what became of each. */
  readonly outcomes: readonly SlotOutcome[];
}

export interface RunningScheduler {
  readonly id: string;
  /** What the start-up found missed, per schedule that missed anything. */
  readonly missed: readonly MissedReport[];
  /** Handles one slot of a schedule exactly as a cron tick does. */
  tick(schedule: string, slot: Date): Promise<SlotOutcome>;
  /** The housekeeping tick: true when this scheduler won the slot and ran it. */
  housekeepingTick(slot: Date): Promise<boolean>;
  /** Stops every cron and periodic task and waits for ticks in progress. Closes nothing it was given. */
  close(): Promise<void>;
}

/** Throws WB_CONFIG_INVALID naming the schedule (`at`) when node-cron cannot read its expression or zone. */
function checkSchedule(cronExpression: string, timezone: string, at: string, partner?: string): void {
  if (!cron.validate(cronExpression)) throw new WerkbrugError('WB_CONFIG_INVALID', { ...(partner ? { partner } : {}), field: `${at}.cron`, expected: 'a cron expression node-cron can run', got: JSON.stringify(cronExpression) });
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new WerkbrugError('WB_CONFIG_INVALID', { ...(partner ? { partner } : {}), field: `${at}.timezone`, expected: 'an IANA time zone such as Europe/Amsterdam', got: JSON.stringify(timezone) });
  }
}

/**
 * Starts the scheduler: reads every schedule's last handled slot, starts the cron tasks, then
 * catches up. Throws WB_CONFIG_INVALID for a schedule it cannot run (before anything started) and
 * what Redis throws when it cannot be read; a failing tick later is logged, never thrown.
 */
export async function startScheduler(deps: SchedulerDeps, options: SchedulerOptions): Promise<RunningScheduler> {
  options.schedules.forEach((s) => checkSchedule(s.cron, s.timezone, `schedules[${s.index}]`, s.partnerId));
  if (options.housekeeping) checkSchedule(options.housekeeping.cron, options.housekeeping.timezone, 'operations.scheduler.housekeeping');
  const now = deps.now ?? (() => new Date());
  const id = deps.id ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  const logger = deps.logger.child({ component: 'scheduler', scheduler: id });
  const { catchUp, maxCatchUpSlots, slotRetentionDays } = options.settings;
  const claims = new SlotClaims(deps.queues.connection, deps.prefix, id);
  const context: SlotContext = { queues: deps.queues, claims, operations: deps.operations, logger, claimSeconds: slotRetentionDays * 86_400 };
  const byKey = new Map(options.schedules.map((s) => [scheduleKey(s), s]));
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };
  const tick = (key: string, slot: Date, reason: SlotReason = 'tick'): Promise<SlotOutcome> => {
    const schedule = byKey.get(key);
    if (!schedule) return Promise.reject(new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field: 'schedule', expected: `one of ${[...byKey.keys()].join(', ')}`, got: key }));
    return track(handleSyncSlot(context, schedule, slot, reason));
  };

  const housekeepingTick = (slot: Date): Promise<boolean> => track((async () => {
    const housekeeping = options.housekeeping;
    if (!housekeeping) return false;
    const slotName = `housekeeping@${slot.toISOString()}`;
    const claim = await claims.claim(slotName, context.claimSeconds);
    if (!claim.won) return false;
    logger.info({ slot: slotName }, 'housekeeping started');
    await housekeeping.run(slot);
    logger.info({ slot: slotName }, 'housekeeping finished');
    return true;
  })().catch((error: unknown) => {
    logger.error({ ...errorFields(error) }, 'housekeeping failed');
    return false;
  }));

  // Read before the cron tasks start: a tick moves `last` forward, and the catch-up must see where
  // it stood when no scheduler ran.
  const startedAt = now();
  const lastSeen = new Map<string, Date | undefined>();
  for (const key of byKey.keys()) lastSeen.set(key, await claims.lastHandled(key));

  // Slots node-cron found late (a blocked event loop, a suspended machine): the catch-up policy
  // applies, after the tick of the current slot (if any) has started.
  const lateSlots = new Map<string, Date[]>();
  const latestTick = new Map<string, number>();
  const flushLate = (key: string): void => {
    const slots = lateSlots.get(key) ?? [];
    lateSlots.delete(key);
    if (closed || slots.length === 0) return;
    const covered = (latestTick.get(key) ?? 0) > (slots.at(-1)?.getTime() ?? 0);
    const run = catchUp === 'none' || (catchUp === 'latest' && covered) ? [] : slots.slice(catchUp === 'latest' ? -1 : -maxCatchUpSlots);
    logger.warn({ schedule: key, missed: slots.length, from: slots[0]?.toISOString(), to: slots.at(-1)?.toISOString(), catchUp, running: run.length }, 'scheduler was late: slots missed');
    for (const slot of run) void tick(key, slot, 'late');
  };

  const tasks: ScheduledTask[] = [];
  const cronLogger = {
    info: () => undefined, debug: () => undefined,
    warn: (message: string) => logger.warn({ detail: message.slice(0, 200) }, 'node-cron warning'),
    error: (message: string | Error) => logger.error({ detail: (message instanceof Error ? message.message : message).slice(0, 200) }, 'node-cron error'),
  };
  const taskOptions = (name: string, timezone: string) => ({ name, timezone, logger: cronLogger, suppressMissedWarning: true, missedExecutionTolerance: 60_000 });
  for (const [key, schedule] of byKey) {
    const task = cron.schedule(schedule.cron, (ctx: TaskContext) => {
      latestTick.set(key, Math.max(latestTick.get(key) ?? 0, ctx.date.getTime()));
      return tick(key, ctx.date);
    }, taskOptions(key, schedule.timezone));
    task.on('execution:missed', (ctx: TaskContext) => {
      const slots = lateSlots.get(key) ?? [];
      if (slots.length === 0) setImmediate(() => flushLate(key));
      lateSlots.set(key, [...slots, ctx.date]);
    });
    tasks.push(task);
  }
  if (options.housekeeping) {
    tasks.push(cron.schedule(options.housekeeping.cron, (ctx: TaskContext) => housekeepingTick(ctx.date), taskOptions('housekeeping', options.housekeeping.timezone)));
  }
  const periodic = startPeriodicTasks(options.periodic ?? [], { claims, logger, now, track });

  const missed: MissedReport[] = [];
  try {
    for (const [key, schedule] of byKey) {
      const last = lastSeen.get(key);
      if (last === undefined) {
        // A schedule never seen before starts from now: nothing of its past was ever due.
        await claims.moveLast(key, startedAt);
        continue;
      }
      const keep = catchUp === 'none' ? 0 : catchUp === 'latest' ? 1 : maxCatchUpSlots;
      const found = missedSlots(schedule.cron, schedule.timezone, last, startedAt, keep);
      if (found.count === 0 || !found.first || !found.last) continue;
      const from = found.first.toISOString();
      const to = found.last.toISOString();
      logger.warn({ schedule: key, partner: schedule.partnerId, missed: found.count, capped: found.capped, from, to, catchUp, running: found.newest.length }, 'scheduler was down: slots missed');
      const outcomes: SlotOutcome[] = [];
      for (const slot of found.newest) outcomes.push(await tick(key, slot, 'catch-up'));
      // Reported (and, per policy, run): the missed slots are handled now.
      await claims.moveLast(key, found.last);
      missed.push({ schedule: key, count: found.count, capped: found.capped, from, to, outcomes });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ schedules: byKey.size, housekeeping: options.housekeeping !== undefined, periodic: (options.periodic ?? []).map((t) => t.name) }, 'scheduler started');

  async function stop(): Promise<void> {
    closed = true;
    for (const task of tasks) await task.destroy();
    periodic.stop();
    // A tick in progress finishes (its claim is won, its job must be queued); ticks it starts are tracked too.
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return {
    id,
    missed,
    tick: (key, slot) => tick(key, slot),
    housekeepingTick,
    async close() {
      if (closed) return;
      await stop();
      logger.info('scheduler stopped');
    },
  };
}
