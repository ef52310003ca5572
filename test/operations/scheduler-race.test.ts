import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SyncSchedule } from '../../src/operations/schedule-slots.js';
import { linesWith, openSchedulerRig, type SchedulerRig } from './scheduler-support.js';

/**
 * Several schedulers, one slot, one run (issue 6): two schedulers in this process, each with its own
 * Redis connections as on two machines, race for the same slots.
 */
describe('two schedulers racing for one slot', () => {
  let rig: SchedulerRig;
  beforeAll(async () => { rig = await openSchedulerRig('sched-race'); });
  afterEach(async () => { await rig.reset(); });
  afterAll(async () => { await rig.close(); });

  const nightly: SyncSchedule = { partnerId: 'ggz-altrecht', index: 0, cron: '15 1 * * *', timezone: 'Europe/Amsterdam', streams: ['Consent'] };
  const slot = new Date('2026-11-25T00:15:00.000Z');

  it('queues exactly one sync job when both handle the same slot at once', async () => {
    const a = await rig.start({ schedules: [nightly] }, { id: 'machine-a' });
    const b = await rig.start({ schedules: [nightly] }, { id: 'machine-b' });
    const outcomes = await Promise.all([a.scheduler.tick('ggz-altrecht#0', slot), b.scheduler.tick('ggz-altrecht#0', slot)]);

    expect(outcomes.map((o) => o.kind).sort()).toEqual(['queued', 'taken']);
    const jobs = await rig.syncJobs();
    expect(jobs).toHaveLength(1);
    const [only] = jobs;
    expect(only?.data).toMatchObject({ partnerId: 'ggz-altrecht', trigger: 'schedule', onlyStreams: ['Consent'], slot: 'ggz-altrecht#0@2026-11-25T00:15:00.000Z' });
    expect(only?.data.runId).toMatch(/^r20261125T001500Z-ggz-altrecht-[0-9a-f]{4}$/);
    expect(only?.job.id).toBe('slot_ggz-altrecht_0_20261125T001500.000Z');
    expect(only?.job.opts.attempts).toBe(1);

    // The loser says who holds the slot, and the claim in Redis names the winner.
    const winner = outcomes[0]?.kind === 'queued' ? 'machine-a' : 'machine-b';
    const loser = outcomes.find((o) => o.kind === 'taken');
    expect(loser).toMatchObject({ holder: winner });
    const redis = new Redis(rig.redis.url);
    try {
      expect(await redis.get(`${rig.prefix}:scheduler:slot:ggz-altrecht#0@2026-11-25T00:15:00.000Z`)).toBe(winner);
      const ttl = await redis.ttl(`${rig.prefix}:scheduler:slot:ggz-altrecht#0@2026-11-25T00:15:00.000Z`);
      expect(ttl).toBeGreaterThan(13 * 86_400); // slotRetentionDays 14 by default
      expect(await redis.get(`${rig.prefix}:scheduler:last:ggz-altrecht#0`)).not.toBeNull();
    } finally {
      redis.disconnect();
    }
  });

  it('relies on the claim, not on the job id: a slot whose job is gone is not queued again', async () => {
    const a = await rig.start({ schedules: [nightly] }, { id: 'machine-a' });
    const b = await rig.start({ schedules: [nightly] }, { id: 'machine-b' });
    expect((await a.scheduler.tick('ggz-altrecht#0', slot)).kind).toBe('queued');
    // The job ran and BullMQ let it go: its id no longer deduplicates anything.
    await rig.queues.sync.obliterate({ force: true });
    expect(await b.scheduler.tick('ggz-altrecht#0', slot)).toMatchObject({ kind: 'taken', holder: 'machine-a' });
    expect(await rig.syncJobs()).toHaveLength(0);
  });

  it('runs every slot of an every-second cron once over both schedulers', async () => {
    const everySecond: SyncSchedule = { partnerId: 'gem-utrecht', index: 0, cron: '* * * * * *', timezone: 'Europe/Amsterdam' };
    const a = await rig.start({ schedules: [everySecond] }, { id: 'machine-a' });
    const b = await rig.start({ schedules: [everySecond] }, { id: 'machine-b' });
    await vi.waitFor(async () => { expect((await rig.syncJobs()).length).toBeGreaterThanOrEqual(4); }, { timeout: 15_000, interval: 200 });
    await a.scheduler.close();
    await b.scheduler.close();

    const jobs = await rig.syncJobs();
    const slots = jobs.map((j) => j.data.slot ?? '');
    expect(new Set(slots).size).toBe(jobs.length);
    expect(slots.every((s) => /^gem-utrecht#0@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(s))).toBe(true);
    // Every queued job is one scheduler's win, and the other scheduler saw the slot taken.
    const queued = [...linesWith(a.logs, 'scheduled run queued'), ...linesWith(b.logs, 'scheduled run queued')];
    expect(queued).toHaveLength(jobs.length);
    const taken = [...linesWith(a.logs, 'slot claimed by another scheduler'), ...linesWith(b.logs, 'slot claimed by another scheduler')];
    expect(taken.length).toBeGreaterThanOrEqual(jobs.length - 2);
  });
});
