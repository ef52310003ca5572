import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShowCommand, runsCommand, statusCommand } from '../../src/cli/status-commands.js';
import { runDetailSchema, runsReportSchema } from '../../src/operations/run-history.js';
import { statusReportSchema, type StatusReport } from '../../src/operations/status-schema.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { partnerId } from '../support/pipeline-harness.js';
import { testEngines } from '../support/postgres.js';
import { deleteRedisPrefix, testPrefix, testRedis } from '../support/redis.js';
import { capture, seededStore, switchedOffPartner, type SeededStore } from './status-support.js';

/**
 * `werkbrug status` and `werkbrug runs` on a store with real history (status-support.ts: a
 * succeeded, a failed and a succeeded run of the ggz partner through the whole pipeline), on
 * PostgreSQL and PGlite, with the queue depths from real Redis.
 */
const engines = await testEngines();
// 11:30 in Amsterdam on the day the harness clock is pinned to, after the seeded runs.
const soon = new Date('2025-06-02T09:30:00Z');
const twoDaysOn = new Date('2025-06-04T09:30:00Z');

describe('werkbrug status --json-schema', () => {
  it('prints the JSON Schema of the JSON output, with the field descriptions, without opening a store', async () => {
    let out = '';
    const code = await statusCommand({ config: 'no-such-config.yaml', jsonSchema: true }, {}, { write: (text) => { out += text; } });
    expect(code).toBe(0);
    const schema = JSON.parse(out) as { properties: Record<string, { description?: string; const?: string }> };
    expect(schema.properties.schema?.const).toBe('werkbrug.status/1');
    expect(schema.properties.ok?.description).toContain('exit code is then 1');
    expect(Object.keys(schema.properties)).toEqual(['schema', 'generatedAt', 'configFile', 'ok', 'attention', 'partners', 'queues', 'alerts']);
  });
});

describe.each(engines)('status and runs on $name', (engine) => {
  let seeded: SeededStore;
  let redis: RedisEndpoint;
  const prefix = testPrefix('status');
  const env = (): NodeJS.ProcessEnv => seeded.env({ url: redis.url, prefix });
  const runs = (): NonNullable<SeededStore['runs']> => {
    if (!seeded.runs) throw new Error('the store was not seeded');
    return seeded.runs;
  };
  const status = async (now: Date, format?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> =>
    capture(seeded, now, (io) => statusCommand({ config: seeded.configFile, ...(format ? { format } : {}) }, { ...env(), ...extraEnv }, io));
  const statusJson = async (now: Date, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; report: StatusReport; err: string }> => {
    const { code, out, err } = await status(now, 'json', extraEnv);
    return { code, report: statusReportSchema.parse(JSON.parse(out)), err };
  };

  beforeAll(async () => {
    redis = await testRedis();
    seeded = await seededStore(engine, `status-${engine.name}`);
  }, 120_000);

  afterAll(async () => {
    await deleteRedisPrefix(redis.url, prefix).catch(() => undefined);
    await seeded?.close();
    await redis?.close();
  });

  describe('werkbrug status', () => {
    it('exits 0 and reports the last run, the last success and each stream\'s counts when the partner synced recently', async () => {
      const { code, report, err } = await statusJson(soon);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(report.ok).toBe(true);
      expect(report.attention).toEqual([]);
      const ggz = report.partners.find((p) => p.partnerId === partnerId);
      expect(ggz?.state).toBe('active');
      expect(ggz?.lastRun).toMatchObject({ runId: runs().last.runId, status: 'succeeded', trigger: 'test' });
      expect(ggz?.lastSuccess?.runId).toBe(runs().last.runId);
      const open = await seeded.withStore((store) => store.listQuarantine({ partnerId, open: true, limit: 10_000 }));
      expect(open.length).toBeGreaterThan(0);
      expect(ggz?.openQuarantine).toBe(open.length);
      expect(ggz?.streams.map((s) => s.stream).sort()).toEqual(Object.keys(runs().last.streams).sort());
      for (const stream of ggz?.streams ?? []) {
        expect(stream.lastRun?.runId).toBe(runs().last.runId);
        expect(stream.counts).toEqual(runs().last.streams[stream.stream]);
      }
    });

    it('gives the next slot of every schedule in its own time zone, and shows a switched-off partner without judging it', async () => {
      const { report } = await statusJson(soon);
      const ggz = report.partners.find((p) => p.partnerId === partnerId);
      // 01:15 and 13:15 in Amsterdam (CEST, +02:00), seen from 11:30 Amsterdam time.
      expect(ggz?.schedules.map((s) => [s.cron, s.streams, s.nextAt])).toEqual([
        ['15 1 * * *', null, '2025-06-02T23:15:00.000Z'],
        ['15 13 * * *', ['Consent'], '2025-06-02T11:15:00.000Z'],
      ]);
      const uwv = report.partners.find((p) => p.partnerId === switchedOffPartner);
      expect(uwv).toMatchObject({ state: 'switched-off', lastRun: null, stale: true });
    });

    it('shows the queue depths and held runs from Redis', async () => {
      const { report } = await statusJson(soon);
      expect(report.queues.known).toBe(true);
      expect(report.queues.sync).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
      expect(report.partners.every((p) => p.heldRuns === 0)).toBe(true);
    });

    it('prints a table a person reads: the verdict, one line per partner and per stream, the queues', async () => {
      const { code, out } = await status(soon);
      expect(code).toBe(0);
      expect(out).toMatch(/^OK: every active partner/m);
      expect(out).toMatch(new RegExp(`^${partnerId} +active +${runs().last.runId} +test +2025-06-02 \\d\\d:\\d\\d .* succeeded +2025-06-02 \\d\\d:\\d\\d \\(\\d+h \\d\\dm ago\\) +no`, 'm'));
      expect(out).toMatch(new RegExp(`^${switchedOffPartner} +off +- `, 'm'));
      expect(out).toMatch(new RegExp(`^${partnerId} +Consent +${runs().last.runId} +succeeded +\\d+`, 'm'));
      expect(out).toMatch(/^ {2}sync +0 +0 +0 +0 +0$/m);
      expect(out).toContain(`  ${switchedOffPartner}  switched off in the config`);
      expect(out).not.toMatch(/\u001b\[/); // no colours
    });

    it('exits 1 and names the partner when it had no successful sync for longer than its staleness', async () => {
      const { code, report } = await statusJson(twoDaysOn);
      expect(code).toBe(1);
      expect(report.attention).toEqual([{ partnerId, kind: 'stale', message: expect.stringMatching(/^no successful sync for 50 h \(stale after 36 h\)$/) as unknown as string }]);
      const table = await status(twoDaysOn);
      expect(table.out).toContain(`NEEDS ATTENTION (1):\n  ${partnerId}: no successful sync for 50 h (stale after 36 h)`);
    });

    it('says plainly that queue depths are unknown when Redis cannot be reached, and still shows the store\'s part', async () => {
      const unreachable = { REDIS_URL: 'redis://127.0.0.1:1' };
      const { code, report, err } = await statusJson(soon, unreachable);
      expect(code).toBe(0);
      expect(err).toContain('warning: queue depths and held runs unknown: Redis at redis://127.0.0.1:1 could not be reached');
      expect(report.queues).toMatchObject({ known: false, sync: null, pull: null, ingest: null });
      expect(report.partners.find((p) => p.partnerId === partnerId)).toMatchObject({ heldRuns: null, lastRun: { runId: runs().last.runId } });
      expect((await status(soon, undefined, unreachable)).out).toContain('Queues: UNKNOWN: Redis at redis://127.0.0.1:1 could not be reached');
    });

    it('lists the alerts firing now, not the resolved ones', async () => {
      const alert = {
        kind: 'stale' as const, partnerId, firstAt: '2025-06-02T08:00:00.000Z', lastAt: '2025-06-02T09:00:00.000Z', notifiedAt: '2025-06-02T08:00:01.000Z',
        resolvedAt: null, recoveryNotifiedAt: null, detail: { hours: 40 },
      };
      await seeded.withStore(async (store) => {
        await store.operations.saveAlert({ ...alert, alertKey: `stale:${partnerId}`, status: 'firing', summary: `${partnerId}: no successful sync for 40 h` });
        await store.operations.saveAlert({ ...alert, alertKey: `failed-run:${partnerId}`, kind: 'failed-run', status: 'resolved', resolvedAt: '2025-06-02T09:00:00.000Z', summary: 'old' });
      });
      // The seeded syncs' own alerts (the edge-cases scenario quarantines 9 % of what it reads) are
      // real too; this test looks at the two it planted.
      const planted = (alerts: readonly { alertKey: string }[]): unknown[] => alerts.filter((a) => [`stale:${partnerId}`, `failed-run:${partnerId}`].includes(a.alertKey));
      const { report } = await statusJson(soon);
      expect(report.alerts.some((a) => a.alertKey === `quarantine-rate:${partnerId}`)).toBe(true);
      expect(planted(report.alerts)).toEqual([{ alertKey: `stale:${partnerId}`, kind: 'stale', partnerId, since: alert.firstAt, lastAt: alert.lastAt, summary: `${partnerId}: no successful sync for 40 h` }]);
      expect((await status(soon)).out).toContain(`Alerts firing:\n  stale:${partnerId}  since 2025-06-02 10:00  ${partnerId}: no successful sync for 40 h`);
      await seeded.withStore(async (store) => {
        await store.operations.saveAlert({ ...alert, alertKey: `stale:${partnerId}`, status: 'resolved', resolvedAt: '2025-06-02T09:10:00.000Z', summary: 'recovered' });
      });
      expect(planted((await statusJson(soon)).report.alerts)).toEqual([]);
    });

    it('refuses an unknown format with exit 2', async () => {
      const { code, err } = await status(soon, 'yaml');
      expect(code).toBe(2);
      expect(err).toContain('WB_OPERATIONS_INPUT_INVALID --format: expected one of table, json, got "yaml"');
    });
  });

  describe('werkbrug runs', () => {
    it('lists the runs newest first, each with its counts per stream and its error', async () => {
      const { code, out } = await capture(seeded, soon, (io) => runsCommand({ config: seeded.configFile }, env(), io));
      expect(code).toBe(0);
      const at = (id: string): number => out.indexOf(id);
      expect(at(runs().last.runId)).toBeGreaterThan(0);
      expect(at(runs().last.runId)).toBeLessThan(at(runs().failed.runId));
      expect(at(runs().failed.runId)).toBeLessThan(at(runs().first.runId));
      expect(out).toMatch(new RegExp(`^${runs().failed.runId} .* FAILED +total .* WB_PARTNER_AUTH`, 'm'));
      const consent = runs().first.streams.Consent;
      expect(out).toMatch(new RegExp(`^ +Consent +${consent?.read} +${consent?.stored} +${consent?.unchanged} +${consent?.quarantined}`, 'm'));
    });

    it('with --failed --format json gives only the failed run, its code and message', async () => {
      const { code, out } = await capture(seeded, soon, (io) => runsCommand({ config: seeded.configFile, failed: true, format: 'json' }, env(), io));
      expect(code).toBe(0);
      const report = runsReportSchema.parse(JSON.parse(out));
      expect(report.runs.map((r) => r.runId)).toEqual([runs().failed.runId]);
      expect(report.runs[0]).toMatchObject({ status: 'failed', errorCode: 'WB_PARTNER_AUTH', partnerId, trigger: 'test' });
      expect(report.runs[0]?.errorMessage).toBe(runs().failed.errorMessage);
    });

    it('refuses an unknown partner with exit 2, naming the config file and the known partners', async () => {
      const { code, err } = await capture(seeded, soon, (io) => runsCommand({ config: seeded.configFile, partner: 'ggz-altreht' }, env(), io));
      expect(code).toBe(2);
      expect(err).toContain(`WB_OPERATIONS_INPUT_INVALID ${seeded.configFile} --partner: expected a partner id of the config: ${partnerId}, ${switchedOffPartner}, got "ggz-altreht"`);
    });

    it('refuses a limit that is not a number with exit 2', async () => {
      const { code, err } = await capture(seeded, soon, (io) => runsCommand({ config: seeded.configFile, limit: 'ten' }, env(), io));
      expect(code).toBe(2);
      expect(err).toContain('--limit: expected a whole number from 1 to 1000');
    });

    it('shows one run in full: every stream\'s counters and the cursor range it covered', async () => {
      const { code, out } = await capture(seeded, soon, (io) => runShowCommand(runs().first.runId, { config: seeded.configFile, format: 'json' }, env(), io));
      expect(code).toBe(0);
      const { run } = runDetailSchema.parse(JSON.parse(out));
      expect(run.streams).toEqual(runs().first.streams);
      expect(Object.keys(run.cursorRanges).sort()).toEqual(Object.keys(runs().first.streams).sort());
      for (const range of Object.values(run.cursorRanges)) {
        expect(range.from).toBeNull(); // the first run pulled from the beginning
        expect(range.to).not.toBeNull();
      }
      const last = await capture(seeded, soon, (io) => runShowCommand(runs().last.runId, { config: seeded.configFile, format: 'json' }, env(), io));
      const lastRanges = runDetailSchema.parse(JSON.parse(last.out)).run.cursorRanges;
      // The last run started where the first one's cursors stood (the failed run stored no page).
      expect(lastRanges.Consent?.from).toEqual(run.cursorRanges.Consent?.to);
      const table = await capture(seeded, soon, (io) => runShowCommand(runs().first.runId, { config: seeded.configFile }, env(), io));
      expect(table.out).toMatch(/^Cursor ranges:\n {2}STREAM +FROM +TO\n/m);
      expect(table.out).toMatch(/^ {2}Consent +\(the beginning\) +\{/m);
    });

    it('shows a failed run\'s error with what to do, and the later runs that re-ran it with their coverage', async () => {
      const retryId = `${runs().failed.runId}-retry`;
      await seeded.withStore(async (store) => {
        await store.createRun({ runId: retryId, partnerId, trigger: 'retry', startedAt: '2025-06-02T09:20:00.000Z', sourceRunId: runs().failed.runId, onlyStreams: ['Consent'], slot: `${partnerId}#1@2025-06-02T11:15:00.000Z` });
        await store.finishRun(retryId, { status: 'succeeded', finishedAt: '2025-06-02T09:21:00.000Z' });
      });
      const failed = await capture(seeded, soon, (io) => runShowCommand(runs().failed.runId, { config: seeded.configFile }, env(), io));
      expect(failed.out).toMatch(/^error: +WB_PARTNER_AUTH /m);
      expect(failed.out).toMatch(/^what to do: +Fix the credential/m);
      expect(failed.out).toMatch(new RegExp(`^re-run by: +${retryId} \\(retry, succeeded\\)$`, 'm'));
      const retry = await capture(seeded, soon, (io) => runShowCommand(retryId, { config: seeded.configFile }, env(), io));
      expect(retry.out).toMatch(new RegExp(`^covers: +streams Consent; re-runs ${runs().failed.runId}; slot ${partnerId}#1@2025-06-02T11:15:00.000Z$`, 'm'));
    });

    it('refuses a run id that is not stored with exit 2', async () => {
      const { code, err } = await capture(seeded, soon, (io) => runShowCommand('r20250602T000000Z-nothing', { config: seeded.configFile }, env(), io));
      expect(code).toBe(2);
      expect(err).toContain('run: expected the id of a stored run');
    });
  });

  describe('as a command in its own process', () => {
    const werkbrug = (args: readonly string[]): { status: number | null; stdout: string; stderr: string } =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: env(), encoding: 'utf8' });

    it('werkbrug status --format json prints the documented schema and exits 1 for a partner stale by the real clock', async () => {
      const [latest] = await seeded.withStore((store) => store.listRuns({ partnerId, limit: 1 }));
      const result = werkbrug(['status', '-c', seeded.configFile, '--format', 'json']);
      const report = statusReportSchema.parse(JSON.parse(result.stdout));
      expect(report.partners.find((p) => p.partnerId === partnerId)?.lastRun?.runId).toBe(latest?.runId);
      // The seeded runs are from the harness's pinned 2025 clock: long past 36 h now.
      expect(report.attention.map((a) => a.kind)).toEqual(['stale']);
      expect(result.status).toBe(1);
    });

    it('werkbrug runs show takes its options after the run id', () => {
      const result = werkbrug(['runs', 'show', runs().first.runId, '-c', seeded.configFile, '--format', 'json']);
      expect(result.status).toBe(0);
      expect(runDetailSchema.parse(JSON.parse(result.stdout)).run.runId).toBe(runs().first.runId);
    });
  });

  describe('when the partner\'s latest run failed', () => {
    it('exits 1 and shows the failure with its code and reason', async () => {
      const runId = 'r20250602T093000Z-ggz-altrecht-fail';
      await seeded.withStore(async (store) => {
        await store.createRun({ runId, partnerId, trigger: 'schedule', startedAt: '2025-06-02T09:25:00.000Z' });
        await store.finishRun(runId, { status: 'failed', finishedAt: '2025-06-02T09:26:00.000Z', errorCode: 'WB_PARTNER_UNREACHABLE', errorMessage: 'pull of Consent failed: the partner did not answer' });
      });
      const { code, report } = await statusJson(soon);
      expect(code).toBe(1);
      expect(report.attention).toEqual([{ partnerId, kind: 'failed-run', message: `last run ${runId} failed (WB_PARTNER_UNREACHABLE)` }]);
      const ggz = report.partners.find((p) => p.partnerId === partnerId);
      expect(ggz?.lastRun).toMatchObject({ runId, status: 'failed', durationSeconds: 60, errorCode: 'WB_PARTNER_UNREACHABLE' });
      // The last successful sync is the last successful *full* run: the consent-only retry recorded
      // above succeeded later, but it does not say the partner is synced (src/pipeline/full-run.ts).
      expect(ggz?.lastSuccess?.runId).toBe(runs().last.runId);
      const table = await status(soon);
      expect(table.code).toBe(1);
      expect(table.out).toContain(`Failures (last run of the partner):\n  ${partnerId}  ${runId}  WB_PARTNER_UNREACHABLE  pull of Consent failed: the partner did not answer`);
    });
  });
});
