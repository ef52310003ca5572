import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoReport } from '../../src/demo/run-demo.js';
import { formatDemoSummary } from '../../src/demo/demo-summary.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { openStore } from '../../src/store/open-store.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { demoEnv, scratchState, demoHookTimeoutMs } from '../support/demo-config.js';
import { testRedis } from '../support/redis.js';
import { trajectorySchemaValidator } from '../support/trajectory-schema.js';

/**
 * `werkbrug demo` end to end: the ggz sandbox over HTTP, real Redis queues, the embedded store.
 * Run twice: the second run stores nothing new and counts nothing twice.
 */
describe('werkbrug demo on the embedded defaults', () => {
  const state = scratchState('demo');
  let redis: RedisEndpoint;
  let first: DemoReport;
  let second: DemoReport;

  beforeAll(async () => {
    redis = await testRedis();
    const options = { configFile: 'config/midden-utrecht.yaml', env: demoEnv({ REDIS_URL: redis.url }), mutateConfig: state.mutate, logLevel: 'warn' };
    first = await runDemo(options);
    second = await runDemo(options);
  }, demoHookTimeoutMs);

  afterAll(async () => {
    await redis?.close();
    state.cleanup();
  });

  it('syncs the whole caseload, and the run balance closes', () => {
    expect(first.ok, formatDemoSummary(first)).toBe(true);
    const run = first.runs[0];
    expect(run?.status).toBe('succeeded');
    const balance = runBalance(run?.streams ?? {});
    expect(balance.closes).toBe(true);
    expect(balance.totals.read).toBeGreaterThan(1000);
    expect(balance.totals.stored).toBeGreaterThan(900);
  });

  it('decides consent fail-closed: some records wait, some are refused', () => {
    const totals = runBalance(first.runs[0]?.streams ?? {}).totals;
    expect(totals.pending).toBeGreaterThan(0);
    expect(totals.refused).toBeGreaterThan(0);
  });

  it('quarantines the edge cases with a reason and a field, never dropping them', () => {
    const reasons = new Set(first.quarantine.map((q) => q.reason));
    for (const reason of ['bsn-missing', 'bsn-invalid', 'bsn-conflict', 'invalid-date', 'unknown-code', 'invalid-period', 'subject-unresolvable', 'unknown-modifier']) {
      expect(reasons, `no quarantine for ${reason}`).toContain(reason);
    }
    for (const item of first.quarantine) {
      expect(item.field).not.toBe('');
      expect(item.sourceRef).toMatch(/^(ggz-altrecht|gem-utrecht|uo-wil-lekstroom|uwv):/);
    }
  });

  it('verifies the consent log', () => {
    expect(first.verification.ok).toBe(true);
    expect(second.verification.ok).toBe(true);
  });

  it('stores nothing new on the second run and counts nothing twice', async () => {
    expect(second.ok, formatDemoSummary(second)).toBe(true);
    const totals = runBalance(second.runs[0]?.streams ?? {}).totals;
    expect(totals.stored).toBe(0);
    expect(totals.quarantined).toBe(0);
    const store = await openStore({ pgliteDir: state.storeDir });
    try {
      const stored = runBalance(first.runs[0]?.streams ?? {}).totals.stored;
      expect(await store.countRecords({ partnerId: 'ggz-altrecht' })).toBeLessThanOrEqual(stored);
      expect(await store.countRecords({ partnerId: 'ggz-altrecht' })).toBeGreaterThan(900);
    } finally {
      await store.close();
    }
  });

  it('stores only records that meet the published JSON Schema of the trajectory format', async () => {
    const validate = trajectorySchemaValidator();
    const store = await openStore({ pgliteDir: state.storeDir });
    try {
      const rows = (await store.dumpTable('records')).map((line) => JSON.parse(line) as { record: unknown; record_kind: string });
      expect(new Set(rows.map((r) => r.record_kind))).toEqual(new Set(['referral', 'trajectory', 'consent', 'employment', 'benefit']));
      const invalid = rows.flatMap((row) => (validate(row.record) ? [] : [JSON.stringify(validate.errors?.[0])]));
      expect(invalid).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('prints a summary an operator can read', () => {
    const summary = formatDemoSummary(first);
    expect(summary).toMatch(/pages \d+, records pulled \d+/);
    expect(summary).toMatch(/consent: permitted \d+, pending \d+, refused \d+/);
    expect(summary).toMatch(/consent log: verified/);
    expect(summary).toMatch(/records\/s/);
    expect(summary).toMatch(/demo: OK$/);
  });
});
