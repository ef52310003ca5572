import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openQueues } from '../../jobs/queues.js';
import type { SyncJobData } from '../../jobs/sync.js';
import type { SyncSchedule } from '../../src/operations/schedule-slots.js';
import { startScheduler } from '../../src/operations/scheduler.js';
import { openTestStore } from '../support/postgres.js';
import { defaultSettings, linesWith, openSchedulerRig, sinkLogger, type SchedulerRig } from './scheduler-support.js';

/**
 * A paused partner (`werkbrug pause`) keeps its slots claimed, but gets one waiting run, not one per
 * slot: a week-long pause is one catch-up run on resume, not 168.
 */
describe('the scheduler and a paused partner', () => {
  let rig: SchedulerRig;
  beforeAll(async () => { rig = await openSchedulerRig('sched-pause'); });
  afterEach(async () => {
    await rig.store.store.operations.setPartnerPaused('ggz-altrecht', false, 'test');
    await rig.reset();
  });
  afterAll(async () => { await rig.close(); });

  const hourly: SyncSchedule = { partnerId: 'ggz-altrecht', index: 0, cron: '0 * * * *', timezone: 'Europe/Amsterdam' };
  const at = (hour: number): Date => new Date(Date.UTC(2026, 10, 25, hour));

  it('queues no second run while a held run of the partner waits, and says so', async () => {
    await rig.store.store.operations.setPartnerPaused('ggz-altrecht', true, 'test', 'planned outage');
    // What a worker does with a paused partner's sync job: hands it back, delayed (held-work.ts).
    const held: SyncJobData = { runId: 'r20261125T000000Z-ggz-altrecht-0001', partnerId: 'ggz-altrecht', trigger: 'schedule' };
    await rig.queues.sync.add('run', held, { jobId: 'held-run', delay: 60_000, attempts: 1 });
    const { scheduler, logs } = await rig.start({ schedules: [hourly] });

    expect(await scheduler.tick('ggz-altrecht#0', at(1))).toEqual({ kind: 'skipped-paused', slot: 'ggz-altrecht#0@2026-11-25T01:00:00.000Z', waitingJob: 'held-run' });
    expect((await rig.syncJobs()).map((j) => j.job.id)).toEqual(['held-run']);
    expect(linesWith(logs, 'slot skipped: partner paused, one run already waits')).toEqual([expect.objectContaining({ partner: 'ggz-altrecht', waitingJob: 'held-run' })]);
    // The slot is claimed all the same: another scheduler does not queue it either.
    const other = await rig.start({ schedules: [hourly] });
    expect((await other.scheduler.tick('ggz-altrecht#0', at(1))).kind).toBe('taken');
  });

  it('queues one run for a paused partner with nothing waiting, and none for the slots after it', async () => {
    const { scheduler } = await rig.start({ schedules: [hourly] });
    await rig.store.store.operations.setPartnerPaused('ggz-altrecht', true, 'test');
    const outcomes = [];
    for (const hour of [1, 2, 3]) outcomes.push(await scheduler.tick('ggz-altrecht#0', at(hour)));
    expect(outcomes.map((o) => o.kind)).toEqual(['queued', 'skipped-paused', 'skipped-paused']);
    expect((await rig.syncJobs()).map((j) => j.data.slot)).toEqual(['ggz-altrecht#0@2026-11-25T01:00:00.000Z']);
  });

  it('queues every slot of a partner that is not paused, while another partner is', async () => {
    await rig.store.store.operations.setPartnerPaused('gem-utrecht', true, 'test');
    const { scheduler } = await rig.start({ schedules: [hourly] });
    for (const hour of [1, 2]) expect((await scheduler.tick('ggz-altrecht#0', at(hour))).kind).toBe('queued');
    expect(await rig.syncJobs()).toHaveLength(2);
    await rig.store.store.operations.setPartnerPaused('gem-utrecht', false, 'test');
  });

  it('gives the claim back and queues nothing when the pause state cannot be read', async () => {
    const gone = await openTestStore({ name: 'pglite' });
    await gone.close();
    const queues = await openQueues({ redisUrl: rig.redis.url, prefix: rig.prefix, attempts: 1, backoffMs: 10 });
    const { logger, logs } = sinkLogger();
    const scheduler = await startScheduler({ queues, prefix: rig.prefix, operations: gone.store.operations, logger }, { schedules: [hourly], settings: defaultSettings });
    const redis = new Redis(rig.redis.url);
    try {
      expect(await scheduler.tick('ggz-altrecht#0', at(1))).toEqual({ kind: 'failed', slot: 'ggz-altrecht#0@2026-11-25T01:00:00.000Z' });
      expect(linesWith(logs, 'scheduled run could not be queued')).toHaveLength(1);
      expect(await redis.exists(`${rig.prefix}:scheduler:slot:ggz-altrecht#0@2026-11-25T01:00:00.000Z`)).toBe(0);
      expect(await rig.syncJobs()).toHaveLength(0);
    } finally {
      redis.disconnect();
      await scheduler.close();
      await queues.close();
    }
  });
});
