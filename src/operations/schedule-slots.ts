import { CronExpressionParser } from 'cron-parser';
import type { Config } from '../config/schema.js';

/**
 * Schedules and their slots (issue 6). A schedule is one entry of `partners[].schedules[]`, known
 * by its key `<partner>#<index>` (`ggz-altrecht#0`); a slot is one instant its cron expression
 * names, known by its id `<partner>#<index>@<ISO instant>` (`ggz-altrecht#0@2026-11-25T00:15:00.000Z`).
 * The slot id is what schedulers claim in Redis and what the run records (`sync_runs.slot`).
 */
export interface SyncSchedule {
  readonly partnerId: string;
  /** Position in the partner's `schedules` list: part of the schedule key. */
  readonly index: number;
  /** Five fields from the config; six (with seconds first) are accepted here, for tests. */
  readonly cron: string;
  readonly timezone: string;
  readonly streams?: readonly string[];
}

export function scheduleKey(schedule: Pick<SyncSchedule, 'partnerId' | 'index'>): string {
  return `${schedule.partnerId}#${schedule.index}`;
}

export function slotId(key: string, at: Date): string {
  return `${key}@${at.toISOString()}`;
}

/**
 * The BullMQ job id of a slot's sync job: the same slot gives the same id, so a second add of it
 * is a no-op while the job is kept (the second line of defence behind the claim). BullMQ ids may
 * not contain ':' and partner ids hold none (`src/config/schema.ts`).
 */
export function slotJobId(key: string, at: Date): string {
  return `slot_${key.replace('#', '_')}_${at.toISOString().replace(/[-:]/g, '')}`;
}

/** The schedules of every partner not switched off in the config (`paused: true` is never scheduled). */
export function schedulesFromConfig(config: Pick<Config, 'partners'>): SyncSchedule[] {
  return config.partners.filter((partner) => !partner.paused).flatMap((partner) => partner.schedules.map((schedule, index) => ({
    partnerId: partner.id,
    index,
    cron: schedule.cron,
    timezone: schedule.timezone,
    ...(schedule.streams ? { streams: schedule.streams } : {}),
  })));
}

/** Slots counted at most when a scheduler was down for long: a larger count is reported as capped. */
export const missedCountLimit = 100_000;

export interface MissedSlots {
  /** Slots after `after` up to and including `until` (at most {@link missedCountLimit}). */
  readonly count: number;
  /** True when there were more than {@link missedCountLimit} (`count` is then that limit). */
  readonly capped: boolean;
  readonly first: Date | undefined;
  readonly last: Date | undefined;
  /** The newest `keep` of them, oldest first. */
  readonly newest: readonly Date[];
}

/**
 * The slots of a cron expression in (after, until], read in its time zone (so 02:15 stays 02:15
 * across daylight saving time). Throws cron-parser's error for an expression it cannot read;
 * config schedules are checked at start-up, so that is a bug or a hand-made schedule.
 */
export function missedSlots(cron: string, timezone: string, after: Date, until: Date, keep: number): MissedSlots {
  if (until.getTime() <= after.getTime()) return { count: 0, capped: false, first: undefined, last: undefined, newest: [] };
  const forward = CronExpressionParser.parse(cron, { tz: timezone, currentDate: after, endDate: until });
  let count = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  while (forward.hasNext()) {
    if (count === missedCountLimit) break;
    last = forward.next().toDate();
    first ??= last;
    count += 1;
  }
  // The newest are read backwards from `until`, so they are right even when the count was capped.
  // Slots are whole seconds, so `after + 1 ms` as the (inclusive) start leaves `after` itself out.
  const backward = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(until.getTime() + 1), startDate: new Date(after.getTime() + 1) });
  const newest: Date[] = [];
  while (newest.length < Math.max(keep, 1) && backward.hasPrev()) newest.unshift(backward.prev().toDate());
  const capped = forward.hasNext();
  return { count, capped, first, last: capped ? newest.at(-1) : last, newest: keep > 0 ? newest.slice(-keep) : [] };
}
