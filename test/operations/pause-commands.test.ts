import { userInfo } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openQueues, type QueueSet } from '../../jobs/queues.js';
import type { SyncJobData } from '../../jobs/sync.js';
import { pauseCommand, resumeCommand } from '../../src/cli/pause-commands.js';
import { statusCommand } from '../../src/cli/status-commands.js';
import { statusReportSchema } from '../../src/operations/status-schema.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { partnerId } from '../support/pipeline-harness.js';
import { testEngines } from '../support/postgres.js';
import { testPrefix, testRedis } from '../support/redis.js';
import { capture, seededStore, switchedOffPartner, type SeededStore } from './status-support.js';

/**
 * `werkbrug pause|resume <partner>`: the pause state in a real store (PostgreSQL and PGlite), what
 * status says about it, and held sync jobs in a real Redis queue promoted by resume. Input that
 * could carry personal data (a BSN in --reason) is refused before anything is stored.
 */
const engines = await testEngines();
const now = new Date('2025-06-02T09:30:00Z');

describe.each(engines)('pause and resume on $name', (engine) => {
  let seeded: SeededStore;
  let redis: RedisEndpoint;
  let queues: QueueSet;
  const prefix = testPrefix('pause-cmd');
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...seeded.env({ url: redis.url, prefix }), ...extra });
  const controls = () => seeded.withStore((store) => store.operations.partnerControls());

  beforeAll(async () => {
    redis = await testRedis();
    seeded = await seededStore(engine, `pause-${engine.name}`, { sync: false });
    queues = await openQueues({ redisUrl: redis.url, prefix, attempts: 1, backoffMs: 50 });
  }, 60_000);

  afterAll(async () => {
    await queues?.obliterate().catch(() => undefined);
    await queues?.close();
    await seeded?.close();
    await redis?.close();
  });

  beforeEach(async () => {
    await queues.sync.obliterate({ force: true });
    await queues.pull.obliterate({ force: true });
    await seeded.withStore((store) => store.operations.setPartnerPaused(partnerId, false, 'test-reset'));
  });

  it('pauses a partner with who and why, and status shows it paused without counting it as needing attention', async () => {
    const paused = await capture(seeded, now, (io) => pauseCommand(partnerId, { config: seeded.configFile, reason: 'suite upgrade until 2025-06-03 06:00', by: 'jdevries' }, env(), io));
    expect(paused.code).toBe(0);
    expect(paused.out).toMatch(new RegExp(`^${partnerId} paused by jdevries at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d Europe/Amsterdam: suite upgrade until 2025-06-03 06:00$`, 'm'));
    expect(await controls()).toEqual([expect.objectContaining({ partnerId, paused: true, changedBy: 'jdevries', reason: 'suite upgrade until 2025-06-03 06:00' })]);

    const status = await capture(seeded, now, (io) => statusCommand({ config: seeded.configFile, format: 'json' }, env(), io));
    const report = statusReportSchema.parse(JSON.parse(status.out));
    expect(report.partners.find((p) => p.partnerId === partnerId)).toMatchObject({ state: 'paused', pause: { by: 'jdevries', reason: 'suite upgrade until 2025-06-03 06:00' } });
    // Never synced, but paused on purpose (and UWV switched off): nothing needs attention.
    expect(report.attention).toEqual([]);
    expect(status.code).toBe(0);
    const table = await capture(seeded, now, (io) => statusCommand({ config: seeded.configFile }, env(), io));
    expect(table.out).toMatch(new RegExp(`^ {2}${partnerId} {2}paused by jdevries at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d: suite upgrade until 2025-06-03 06:00; 0 held run\\(s\\) wait`, 'm'));
  });

  it('names the operating-system user when --by is left out', async () => {
    await capture(seeded, now, (io) => pauseCommand(partnerId, { config: seeded.configFile }, env(), io));
    expect((await controls()).find((c) => c.partnerId === partnerId)).toMatchObject({ paused: true, changedBy: userInfo().username, reason: null });
  });

  it('refuses an unknown partner with exit 2, naming the config file and the known ids, and stores nothing', async () => {
    const { code, err } = await capture(seeded, now, (io) => pauseCommand('ggz-utrecht', { config: seeded.configFile, by: 'jdevries' }, env(), io));
    expect(code).toBe(2);
    expect(err).toContain(`WB_OPERATIONS_INPUT_INVALID ${seeded.configFile} partner: expected a partner id of the config: ${partnerId}, ${switchedOffPartner}, got "ggz-utrecht"`);
    expect((await controls()).some((c) => c.partnerId === 'ggz-utrecht')).toBe(false);
    const resumed = await capture(seeded, now, (io) => resumeCommand('ggz-utrecht', { config: seeded.configFile }, env(), io));
    expect(resumed.code).toBe(2);
  });

  it.each([
    ['nine digits', 'called about client 123456782'],
    ['grouped 4-2-3', 'client 1234.56.782 complained'],
    ['grouped 3-3-3', 'see 123 456 782'],
  ])('refuses a reason with a BSN (%s) with exit 2, without echoing it, and stores nothing', async (_kind, reason) => {
    const { code, err } = await capture(seeded, now, (io) => pauseCommand(partnerId, { config: seeded.configFile, reason, by: 'jdevries' }, env(), io));
    expect(code).toBe(2);
    expect(err).toContain('--reason: expected a reason about the partner without a BSN or other personal data');
    expect(err).not.toMatch(/\d{3}/);
    expect((await controls()).find((c) => c.partnerId === partnerId)?.paused).toBe(false);
  });

  it('refuses a reason longer than 200 characters', async () => {
    const { code, err } = await capture(seeded, now, (io) => pauseCommand(partnerId, { config: seeded.configFile, reason: 'x'.repeat(201), by: 'jdevries' }, env(), io));
    expect(code).toBe(2);
    expect(err).toContain('--reason: expected at most 200 characters, got 201 characters');
  });

  it('resume marks the partner resumed and promotes its held runs at once, leaving other partners\' held work alone', async () => {
    await capture(seeded, now, (io) => pauseCommand(partnerId, { config: seeded.configFile, by: 'jdevries' }, env(), io));
    const held: SyncJobData = { runId: 'r20250602T090000Z-ggz-altrecht-held', partnerId };
    const other: SyncJobData = { runId: 'r20250602T090000Z-uwv-held', partnerId: switchedOffPartner };
    await queues.sync.add('run', held, { jobId: held.runId, delay: 600_000, attempts: 1 });
    await queues.sync.add('run', other, { jobId: other.runId, delay: 600_000, attempts: 1 });

    const before = statusReportSchema.parse(JSON.parse((await capture(seeded, now, (io) => statusCommand({ config: seeded.configFile, format: 'json' }, env(), io))).out));
    expect(before.partners.find((p) => p.partnerId === partnerId)?.heldRuns).toBe(1);
    expect(before.queues.sync?.delayed).toBe(2);

    const resumed = await capture(seeded, now, (io) => resumeCommand(partnerId, { config: seeded.configFile, by: 'jdevries' }, env(), io));
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`${partnerId} resumed by jdevries`);
    expect(resumed.out).toContain('Released 1 held job(s)');
    expect(await queues.sync.getJobState(held.runId)).toBe('waiting');
    expect(await queues.sync.getJobState(other.runId)).toBe('delayed');
    expect((await controls()).find((c) => c.partnerId === partnerId)).toMatchObject({ paused: false, changedBy: 'jdevries' });
  });

  it('resume with Redis unreachable still resumes, and says the held runs will look again themselves', async () => {
    await capture(seeded, now, (io) => pauseCommand(partnerId, { config: seeded.configFile, by: 'jdevries' }, env(), io));
    const { code, out, err } = await capture(seeded, now, (io) => resumeCommand(partnerId, { config: seeded.configFile, by: 'jdevries' }, env({ REDIS_URL: 'redis://127.0.0.1:1' }), io));
    expect(code).toBe(0);
    expect(err).toContain('warning: held runs not released now: Redis at redis://127.0.0.1:1 could not be reached');
    expect(out).toContain('Held runs look again by themselves within 30 s (operations.holdSeconds)');
    expect((await controls()).find((c) => c.partnerId === partnerId)?.paused).toBe(false);
  });
});
