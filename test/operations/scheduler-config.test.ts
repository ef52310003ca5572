import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { isWerkbrugError } from '../../src/errors/werkbrug-error.js';
import { schedulesFromConfig } from '../../src/operations/schedule-slots.js';
import { openSchedulerRig, type SchedulerRig } from './scheduler-support.js';

/**
 * Schedules are checked at start-up, naming the file and the field (brief, invariant 6): by the
 * config schema for `werkbrug scheduler` and `werkbrug config check`, and again by startScheduler
 * for schedules handed to it directly.
 */
const example = readFileSync('config/midden-utrecht.yaml', 'utf8');
const badCron = example.replace('- cron: "15 1 * * *"', '- cron: "elke nacht"');
const unknownStream = example.replace('streams: [Consent]', 'streams: [Consents]');

function problemsOf(text: string): string[] {
  try {
    parseConfig('config/test.yaml', text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

describe('schedules in the region config', () => {
  it('refuses a cron expression that is not five fields, naming file and field', () => {
    expect(badCron).not.toBe(example);
    expect(problemsOf(badCron)).toEqual([expect.stringMatching(/^WB_CONFIG_INVALID config\/test\.yaml partners\[0\]\.schedules\[0\]\.cron: expected a cron expression of five fields.*got "elke nacht"$/)]);
  });

  it("refuses a stream the partner's connector does not have, naming file and field", () => {
    expect(unknownStream).not.toBe(example);
    expect(problemsOf(unknownStream)).toEqual([expect.stringMatching(/^WB_CONFIG_INVALID config\/test\.yaml partners\[0\]\.schedules\[1\]\.streams\[0\]: expected a stream of this partner's connector: .*Consent.*got "Consents"$/)]);
  });

  it('gives a schedule key per partner and index, and leaves out partners switched off in the config', () => {
    const config = parseConfig('config/test.yaml', example.replace('  - id: gem-utrecht\n', '  - id: gem-utrecht\n    paused: true\n'));
    const schedules = schedulesFromConfig(config);
    expect(schedules.filter((s) => s.partnerId === 'ggz-altrecht')).toEqual([
      { partnerId: 'ggz-altrecht', index: 0, cron: '15 1 * * *', timezone: 'Europe/Amsterdam' },
      { partnerId: 'ggz-altrecht', index: 1, cron: '15 13 * * *', timezone: 'Europe/Amsterdam', streams: ['Consent'] },
    ]);
    expect(schedules.some((s) => s.partnerId === 'gem-utrecht')).toBe(false);
    expect(schedulesFromConfig(parseConfig('config/test.yaml', example)).some((s) => s.partnerId === 'gem-utrecht')).toBe(true);
  });
});

describe('werkbrug scheduler with a bad config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-sched-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 before starting anything, naming the file and the field', () => {
    const file = join(dir, 'region.yaml');
    writeFileSync(file, badCron);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scheduler', '-c', file], { encoding: 'utf8', env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(result.stderr).toContain(`${file} has 1 problem`);
    expect(result.stderr).toContain('partners[0].schedules[0].cron');
    expect(result.status).toBe(2);
  });
});

describe('startScheduler given a schedule it cannot run', () => {
  let rig: SchedulerRig;
  beforeAll(async () => { rig = await openSchedulerRig('sched-config'); });
  afterAll(async () => { await rig.close(); });

  it('refuses it with WB_CONFIG_INVALID naming partner and schedule, and claims nothing', async () => {
    const start = rig.start({ schedules: [
      { partnerId: 'ggz-altrecht', index: 0, cron: '15 1 * * *', timezone: 'Europe/Amsterdam' },
      { partnerId: 'ggz-altrecht', index: 1, cron: '61 * * * *', timezone: 'Europe/Amsterdam' },
    ] });
    const error: unknown = await start.catch((e: unknown) => e);
    expect(isWerkbrugError(error) && error.code).toBe('WB_CONFIG_INVALID');
    expect(String((error as Error).message)).toMatch(/ggz-altrecht.*schedules\[1\]\.cron.*"61 \* \* \* \*"/);
    const redis = new Redis(rig.redis.url);
    try {
      expect(await redis.keys(`${rig.prefix}:scheduler:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a time zone it does not know', async () => {
    const error: unknown = await rig.start({ schedules: [{ partnerId: 'ggz-altrecht', index: 0, cron: '15 1 * * *', timezone: 'Europe/Utrecht' }] }).catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/schedules\[0\]\.timezone.*IANA time zone.*"Europe\/Utrecht"/);
  });
});
