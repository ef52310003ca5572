import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrap, type Bootstrapped } from '../../src/cli/bootstrap.js';
import { runHousekeeping } from '../../src/operations/scheduler-housekeeping.js';
import { periodSlot, type PeriodicTask } from '../../src/operations/scheduler-periodic.js';
import { ingestBatch } from '../../src/pipeline/ingest-batch.js';
import type { Runtime } from '../../src/pipeline/runtime.js';
import { scratch, testLogger, testSigningEnv } from '../consent/checkpoint-support.js';
import { consentPage, lotte, page, settingsAt, trajectory } from '../privacy/erasure-fixtures.js';
import { openSchedulerRig, type SchedulerRig } from './scheduler-support.js';

/**
 * Housekeeping (retention purge and a signed checkpoint) and periodic tasks (the alert checks) run
 * once per slot however many schedulers run, and shutting down waits for one in progress.
 */
describe('housekeeping and periodic tasks over two schedulers', () => {
  let rig: SchedulerRig;
  beforeAll(async () => { rig = await openSchedulerRig('sched-housekeeping'); });
  afterEach(async () => { await rig.reset(); });
  afterAll(async () => { await rig.close(); });

  it('runs a housekeeping slot in one scheduler only', async () => {
    const ran: string[] = [];
    const housekeeping = { cron: '30 5 * * *', timezone: 'Europe/Amsterdam', run: async (slot: Date) => { ran.push(slot.toISOString()); } };
    const a = await rig.start({ schedules: [], housekeeping });
    const b = await rig.start({ schedules: [], housekeeping });
    const slot = new Date('2026-11-25T04:30:00.000Z');
    const won = await Promise.all([a.scheduler.housekeepingTick(slot), b.scheduler.housekeepingTick(slot)]);
    expect(won.sort()).toEqual([false, true]);
    expect(ran).toEqual(['2026-11-25T04:30:00.000Z']);
  });

  it('runs the housekeeping cron through node-cron, each slot once', async () => {
    const ran: string[] = [];
    const housekeeping = { cron: '* * * * * *', timezone: 'UTC', run: async (slot: Date) => { ran.push(slot.toISOString()); } };
    const a = await rig.start({ schedules: [], housekeeping });
    const b = await rig.start({ schedules: [], housekeeping });
    await vi.waitFor(() => { expect(ran.length).toBeGreaterThanOrEqual(3); }, { timeout: 15_000, interval: 100 });
    await a.scheduler.close();
    await b.scheduler.close();
    expect(new Set(ran).size).toBe(ran.length);
  });

  it('runs a periodic task once per period over both schedulers', async () => {
    const runs: string[] = [];
    const alerts: PeriodicTask = { name: 'alerts', everyMs: 300, run: async (now) => { runs.push(periodSlot(alerts, now)); } };
    const a = await rig.start({ schedules: [], periodic: [alerts] });
    const b = await rig.start({ schedules: [], periodic: [alerts] });
    await vi.waitFor(() => { expect(runs.length).toBeGreaterThanOrEqual(4); }, { timeout: 15_000, interval: 50 });
    await a.scheduler.close();
    await b.scheduler.close();
    expect(new Set(runs).size).toBe(runs.length);
    expect(runs.every((slot) => /^periodic:alerts@\d{4}-.*Z$/.test(slot))).toBe(true);
  });

  it('waits on close for a periodic run in progress, and starts no new one', async () => {
    let release: () => void = () => undefined;
    const started: Date[] = [];
    const slow: PeriodicTask = {
      name: 'slow', everyMs: 50,
      run: (now) => {
        started.push(now);
        return new Promise<void>((resolve) => { release = resolve; });
      },
    };
    const { scheduler } = await rig.start({ schedules: [], periodic: [slow] });
    await vi.waitFor(() => { expect(started).toHaveLength(1); }, { timeout: 5000, interval: 10 });
    let closed = false;
    const closing = scheduler.close().then(() => { closed = true; });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(closed).toBe(true);
    expect(started).toHaveLength(1);
  });
});

describe('runHousekeeping', () => {
  const dir = scratch('sched-hk');
  const signing = testSigningEnv();
  const now = (): Date => new Date('2025-06-02T07:00:00Z');
  let boot: Bootstrapped;
  let runtime: Runtime;

  beforeAll(async () => {
    boot = await bootstrap({
      configFile: 'config/midden-utrecht.yaml',
      env: { WERKBRUG_PSEUDONYM_KEY: 'a1'.repeat(32), WERKBRUG_PSEUDONYM_KEY_ID: 'mu-2025a', ...signing.env },
      inMemoryStore: true,
      logLevel: 'silent',
      mutateConfig: (config) => ({ ...config, privacy: { ...config.privacy, checkpoints: { ...config.privacy.checkpoints, dir: join(dir.dir, 'checkpoints'), everyEntries: 1 } } }),
    });
    runtime = { ...boot.runtime, now };
    // Lotte's trajectory ended in 2022: past the monitoring purpose's retention by 2025.
    const at = settingsAt('2025-03-01T08:00:00Z');
    await ingestBatch(runtime.store, consentPage({ who: lotte, id: 'cns-3', version: 1 }), at);
    await ingestBatch(runtime.store, page('ggz-altrecht', 'EpisodeOfCare', [{ draft: trajectory(lotte, 'eoc-3', 1, { endDate: '2022-06-30' }) }]), at);
  });
  afterAll(async () => {
    await boot.close();
    dir.cleanup();
  });

  async function latestRuns(failed: string | undefined, suffix: string): Promise<void> {
    for (const partner of runtime.config.partners) {
      const runId = `r-${suffix}-${partner.id}`;
      await runtime.store.createRun({ runId, partnerId: partner.id, trigger: 'test', startedAt: now().toISOString() });
      await runtime.store.finishRun(runId, partner.id === failed ? { status: 'failed', finishedAt: now().toISOString(), errorCode: 'WB_PARTNER_UNREACHABLE' } : { status: 'succeeded', finishedAt: now().toISOString() });
    }
  }

  it('signs a checkpoint but purges nothing while a partner\'s latest run failed', async () => {
    await latestRuns('uwv', 'a');
    const { logger, sink } = testLogger();
    expect(await runHousekeeping(runtime, logger)).toEqual({ purge: 'waits', purgedPersons: 0, checkpoint: 'written' });
    expect(sink.parsed().some((l) => l.msg === 'retention purge waits until every partner has synced completely' && l.partnerWithoutCompleteRun === 'uwv')).toBe(true);
    expect((await runtime.store.getRecord('ggz-altrecht', 'ggz-altrecht:EpisodeOfCare/eoc-3'))?.purposes).toContain('P_MONITOR_REGIO');
    expect(readdirSync(join(dir.dir, 'checkpoints'))).toHaveLength(1);
  });

  it('purges once every partner last synced completely, then signs a checkpoint over the purge', async () => {
    await latestRuns(undefined, 'b');
    const { logger } = testLogger();
    expect(await runHousekeeping(runtime, logger)).toEqual({ purge: 'ran', purgedPersons: 1, checkpoint: 'written' });
    expect((await runtime.store.getRecord('ggz-altrecht', 'ggz-altrecht:EpisodeOfCare/eoc-3'))?.purposes).toEqual(['P_VERANTWOORDING_COFIN']);
    expect(readdirSync(join(dir.dir, 'checkpoints'))).toHaveLength(2);
    // Nothing new in the log since: no third checkpoint.
    expect((await runHousekeeping(runtime, logger)).checkpoint).toBe('unchanged');
  });
});
