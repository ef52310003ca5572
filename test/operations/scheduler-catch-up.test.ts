import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { missedSlots, type SyncSchedule } from '../../src/operations/schedule-slots.js';
import { SlotClaims } from '../../src/operations/slot-claims.js';
import { defaultSettings, linesWith, openSchedulerRig, type SchedulerRig } from './scheduler-support.js';

/**
 * A scheduler that was down (issue 6): at start it says which slots it missed and, per
 * `operations.scheduler.catchUp`, runs the newest one, the newest few, or none. The clock is pinned
 * at 10:30 UTC; the schedule runs on the hour, and its last handled slot is set back to 05:30.
 */
describe('startScheduler after a scheduler was down', () => {
  let rig: SchedulerRig;
  let redis: Redis;
  beforeAll(async () => {
    rig = await openSchedulerRig('sched-catchup');
    redis = new Redis(rig.redis.url);
  });
  afterEach(async () => { await rig.reset(); });
  afterAll(async () => {
    redis.disconnect();
    await rig.close();
  });

  const hourly: SyncSchedule = { partnerId: 'ggz-altrecht', index: 0, cron: '0 * * * *', timezone: 'UTC' };
  const now = (): Date => new Date('2026-03-01T10:30:00.000Z');
  const lastKey = (): string => `${rig.prefix}:scheduler:last:ggz-altrecht#0`;
  const setLastBack = (): Promise<unknown> => redis.set(lastKey(), '2026-03-01T05:30:00.000Z');
  const queuedSlots = async (): Promise<string[]> => (await rig.syncJobs()).map((j) => j.data.slot ?? '').sort();

  it('with catchUp latest, reports the five missed slots and runs only the newest', async () => {
    await setLastBack();
    const { scheduler, logs } = await rig.start({ schedules: [hourly], settings: { ...defaultSettings, catchUp: 'latest' } }, { now });

    expect(await queuedSlots()).toEqual(['ggz-altrecht#0@2026-03-01T10:00:00.000Z']);
    expect(linesWith(logs, 'scheduler was down: slots missed')).toEqual([expect.objectContaining({
      level: 40, schedule: 'ggz-altrecht#0', partner: 'ggz-altrecht', missed: 5, capped: false,
      from: '2026-03-01T06:00:00.000Z', to: '2026-03-01T10:00:00.000Z', catchUp: 'latest', running: 1,
    })]);
    expect(scheduler.missed).toEqual([expect.objectContaining({ schedule: 'ggz-altrecht#0', count: 5, outcomes: [expect.objectContaining({ kind: 'queued', slot: 'ggz-altrecht#0@2026-03-01T10:00:00.000Z' })] })]);
    expect(linesWith(logs, 'scheduled run queued')[0]).toMatchObject({ reason: 'catch-up' });
    expect(await redis.get(lastKey())).toBe('2026-03-01T10:00:00.000Z');
  });

  it('with catchUp all, runs the newest maxCatchUpSlots of them', async () => {
    await setLastBack();
    await rig.start({ schedules: [hourly], settings: { ...defaultSettings, catchUp: 'all', maxCatchUpSlots: 3 } }, { now });
    expect(await queuedSlots()).toEqual([
      'ggz-altrecht#0@2026-03-01T08:00:00.000Z', 'ggz-altrecht#0@2026-03-01T09:00:00.000Z', 'ggz-altrecht#0@2026-03-01T10:00:00.000Z',
    ]);
  });

  it('with catchUp none, only reports them, and a restart does not report them again', async () => {
    await setLastBack();
    const first = await rig.start({ schedules: [hourly], settings: { ...defaultSettings, catchUp: 'none' } }, { now });
    expect(await queuedSlots()).toEqual([]);
    expect(linesWith(first.logs, 'scheduler was down: slots missed')).toEqual([expect.objectContaining({ missed: 5, catchUp: 'none', running: 0 })]);
    expect(first.scheduler.missed).toEqual([expect.objectContaining({ count: 5, outcomes: [] })]);

    const second = await rig.start({ schedules: [hourly], settings: { ...defaultSettings, catchUp: 'none' } }, { now });
    expect(second.scheduler.missed).toEqual([]);
    expect(linesWith(second.logs, 'scheduler was down: slots missed')).toEqual([]);
  });

  it('catches up once when two schedulers start together', async () => {
    await setLastBack();
    const options = { schedules: [hourly], settings: { ...defaultSettings, catchUp: 'all' as const, maxCatchUpSlots: 2 } };
    const [a, b] = await Promise.all([rig.start(options, { now, id: 'machine-a' }), rig.start(options, { now, id: 'machine-b' })]);
    expect(await queuedSlots()).toEqual(['ggz-altrecht#0@2026-03-01T09:00:00.000Z', 'ggz-altrecht#0@2026-03-01T10:00:00.000Z']);
    const outcomes = [...a.scheduler.missed, ...b.scheduler.missed].flatMap((m) => m.outcomes);
    expect(outcomes.filter((o) => o.kind === 'queued')).toHaveLength(2);
  });

  it('starts a schedule never seen before from now, with nothing to catch up', async () => {
    const { scheduler, logs } = await rig.start({ schedules: [hourly] }, { now });
    expect(scheduler.missed).toEqual([]);
    expect(linesWith(logs, 'scheduler was down: slots missed')).toEqual([]);
    expect(await queuedSlots()).toEqual([]);
    expect(await redis.get(lastKey())).toBe('2026-03-01T10:30:00.000Z');
  });

  it('never moves the last handled slot back, and replaces a value that is no instant', async () => {
    const claims = new SlotClaims(redis, rig.prefix, 'test');
    expect(await claims.moveLast('ggz-altrecht#0', new Date('2026-03-01T10:00:00.000Z'))).toBe(true);
    expect(await claims.moveLast('ggz-altrecht#0', new Date('2026-03-01T09:00:00.000Z'))).toBe(false);
    expect(await redis.get(lastKey())).toBe('2026-03-01T10:00:00.000Z');
    await redis.set(lastKey(), 'gisteren');
    expect(await claims.lastHandled('ggz-altrecht#0')).toBeUndefined();
    expect(await claims.moveLast('ggz-altrecht#0', new Date('2026-03-01T08:00:00.000Z'))).toBe(true);
  });
});

describe('a running scheduler whose event loop stalls', () => {
  let rig: SchedulerRig;
  beforeAll(async () => { rig = await openSchedulerRig('sched-late'); });
  afterEach(async () => { await rig.reset(); });
  afterAll(async () => { await rig.close(); });

  const everySecond: SyncSchedule = { partnerId: 'gem-utrecht', index: 0, cron: '* * * * * *', timezone: 'UTC' };

  /** Blocks this process for 3.5 s, as a long synchronous task or a suspended VM would: the stall is what is under test. */
  function stall(): void {
    const until = Date.now() + 3500;
    while (Date.now() < until) { /* busy */ }
  }

  async function stalled(catchUp: 'latest' | 'all'): Promise<{ late: Record<string, unknown>; slots: string[] }> {
    const { scheduler, logs } = await rig.start({ schedules: [everySecond], settings: { ...defaultSettings, catchUp } });
    await vi.waitFor(async () => { expect((await rig.syncJobs()).length).toBeGreaterThanOrEqual(1); }, { timeout: 10_000, interval: 50 });
    stall();
    await vi.waitFor(() => { expect(linesWith(logs, 'scheduler was late: slots missed')).toHaveLength(1); }, { timeout: 10_000, interval: 50 });
    await scheduler.close();
    const [late] = linesWith(logs, 'scheduler was late: slots missed');
    return { late: late ?? {}, slots: (await rig.syncJobs()).map((j) => j.data.slot ?? '') };
  }

  it('with catchUp latest, runs none of the late slots when the tick after them ran', async () => {
    const { late, slots } = await stalled('latest');
    expect(late).toMatchObject({ schedule: 'gem-utrecht#0', catchUp: 'latest', running: 0 });
    expect(late.missed).toBeGreaterThanOrEqual(2);
    expect(slots.some((s) => s === `gem-utrecht#0@${String(late.to)}`)).toBe(false);
    expect(new Set(slots).size).toBe(slots.length);
  });

  it('with catchUp all, runs each late slot', async () => {
    const { late, slots } = await stalled('all');
    expect(late).toMatchObject({ catchUp: 'all' });
    expect(late.running).toBe(late.missed);
    expect(slots).toContain(`gem-utrecht#0@${String(late.from)}`);
    expect(slots).toContain(`gem-utrecht#0@${String(late.to)}`);
    expect(new Set(slots).size).toBe(slots.length);
  });
});

describe('missedSlots', () => {
  it('reads the expression in its time zone (01:15 in Amsterdam is 00:15 UTC in winter, 23:15 in summer)', () => {
    const winter = missedSlots('15 1 * * *', 'Europe/Amsterdam', new Date('2026-01-10T00:00:00Z'), new Date('2026-01-12T00:00:00Z'), 5);
    expect(winter.newest.map((d) => d.toISOString())).toEqual(['2026-01-10T00:15:00.000Z', '2026-01-11T00:15:00.000Z']);
    const summer = missedSlots('15 1 * * *', 'Europe/Amsterdam', new Date('2026-07-10T00:00:00Z'), new Date('2026-07-11T00:00:00Z'), 5);
    expect(summer.newest.map((d) => d.toISOString())).toEqual(['2026-07-10T23:15:00.000Z']);
  });

  it('leaves out the last handled slot itself and counts the one at the end', () => {
    const found = missedSlots('0 * * * *', 'UTC', new Date('2026-03-01T06:00:00Z'), new Date('2026-03-01T08:00:00Z'), 1);
    expect(found).toMatchObject({ count: 2, capped: false, first: new Date('2026-03-01T07:00:00Z'), last: new Date('2026-03-01T08:00:00Z'), newest: [new Date('2026-03-01T08:00:00Z')] });
  });

  it('caps the count after a very long outage but still names the newest slots', () => {
    const found = missedSlots('* * * * * *', 'UTC', new Date('2026-03-01T00:00:00Z'), new Date('2026-03-03T00:00:00Z'), 2);
    expect(found.capped).toBe(true);
    expect(found.count).toBe(100_000);
    expect(found.newest.map((d) => d.toISOString())).toEqual(['2026-03-02T23:59:59.000Z', '2026-03-03T00:00:00.000Z']);
    expect(found.last?.toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });
});
