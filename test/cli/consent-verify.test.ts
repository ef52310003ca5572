import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';
import { createPgliteClient } from '../../src/store/pglite-client.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { demoEnv, scratchState } from '../support/demo-config.js';
import { testRedis } from '../support/redis.js';

/**
 * `werkbrug consent verify` as an operator runs it: a real process against the embedded store a
 * demo left, before and after someone edits one decision in the log behind werkbrug's back.
 */
describe('werkbrug consent verify', () => {
  const state = scratchState('verify');
  const configFile = join(state.dir, 'region.yaml');
  let redis: RedisEndpoint;

  function verify(): { status: number | null; out: string } {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'consent', 'verify', '-c', configFile], {
      env: demoEnv(), encoding: 'utf8',
    });
    return { status: result.status, out: `${result.stdout}${result.stderr}` };
  }

  beforeAll(async () => {
    redis = await testRedis();
    // Store and checkpoints in this test's own folder: nothing shared with another run.
    const region = readFileSync('config/midden-utrecht.yaml', 'utf8').replace('embeddedDir: .werkbrug/store', `embeddedDir: ${state.storeDir}`);
    writeFileSync(configFile, `${region}\nprivacy:\n  checkpoints:\n    dir: ${join(state.dir, 'checkpoints')}\n`);
    const report = await runDemo({ configFile, env: demoEnv({ REDIS_URL: redis.url }), persons: 60, logLevel: 'warn' });
    expect(report.ok).toBe(true);
  });

  afterAll(async () => {
    await redis?.close();
    state.cleanup();
  });

  it('exits 0 and names the head of an untouched log', () => {
    const { status, out } = verify();
    expect(out).toMatch(/consent log verified: \d+ entries, head #\d+ cl1:[0-9a-f]{64}/);
    expect(status).toBe(0);
  });

  it('exits 1 and names the entry whose decision was changed', async () => {
    const sql = await createPgliteClient({ schema: 'werkbrug', dataDir: state.storeDir });
    try {
      // The append-only trigger is the first line of defence; an operator with SQL access can drop it.
      await sql.exec('ALTER TABLE consent_log DISABLE TRIGGER USER');
      await sql.exec(`UPDATE consent_log SET content = jsonb_set(content, '{recordRef}', '"ggz-altrecht:Consent/forged/_history/1"') WHERE seq = 7`);
    } finally {
      await sql.close();
    }
    const { status, out } = verify();
    expect(out).toMatch(/FAILED verification at entry #7: changed/);
    expect(status).toBe(1);
  });
});
