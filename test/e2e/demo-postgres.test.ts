import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDemoSummary } from '../../src/demo/demo-summary.js';
import { runDemo, type DemoReport } from '../../src/demo/run-demo.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { demoEnv, scratchState, demoHookTimeoutMs } from '../support/demo-config.js';
import { testDatabaseUrl, testEngines } from '../support/postgres.js';
import { testRedis } from '../support/redis.js';

/**
 * The same main job with `DATABASE_URL` set: the store is PostgreSQL, in a schema of this test's
 * own (dropped afterwards). Same SQL, same migrations as the embedded store.
 */
describe.each(await testEngines().then((engines) => engines.filter((e) => e.name === 'postgres')))('werkbrug demo on $name', (engine) => {
  const state = scratchState('demo-pg');
  const schema = `wb_test_demo_${randomBytes(4).toString('hex')}`;
  let redis: RedisEndpoint;
  let first: DemoReport;
  let second: DemoReport;

  beforeAll(async () => {
    if (engine.unavailable) throw new Error(engine.unavailable);
    redis = await testRedis();
    const options = {
      configFile: 'config/midden-utrecht.yaml',
      env: demoEnv({ REDIS_URL: redis.url, DATABASE_URL: testDatabaseUrl }),
      mutateConfig: (config: Parameters<typeof state.mutate>[0]) => ({ ...state.mutate(config), store: { ...config.store, schema } }),
      logLevel: 'warn',
    };
    first = await runDemo(options);
    second = await runDemo(options);
  }, demoHookTimeoutMs);

  afterAll(async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    await redis?.close();
    state.cleanup();
  });

  it('syncs the caseload into PostgreSQL with a closing balance and a verified consent log', () => {
    expect(first.ok, formatDemoSummary(first)).toBe(true);
    const totals = runBalance(first.runs[0]?.streams ?? {}).totals;
    expect(totals.stored).toBeGreaterThan(900);
    expect(first.verification.ok).toBe(true);
  });

  it('wrote the records into its own PostgreSQL schema', async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    try {
      const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.records`);
      expect(Number(result.rows[0]?.n)).toBeGreaterThan(900);
    } finally {
      await client.end();
    }
  });

  it('stores nothing new on the second run', () => {
    expect(second.ok, formatDemoSummary(second)).toBe(true);
    expect(runBalance(second.runs[0]?.streams ?? {}).totals.stored).toBe(0);
  });
});
