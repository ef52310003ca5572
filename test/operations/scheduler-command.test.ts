import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { demoEnv, scratchState } from '../support/demo-config.js';
import { deleteRedisPrefix, testPrefix, testRedis } from '../support/redis.js';

/**
 * `werkbrug scheduler` as operations runs it: a real process on the example config (housekeeping
 * on, so with the full runtime), with the embedded store in a folder of its own, stopped by SIGTERM.
 */
describe('werkbrug scheduler', () => {
  const state = scratchState('scheduler');
  const configFile = join(state.dir, 'region.yaml');
  const prefix = testPrefix('sched-cli');
  let redis: RedisEndpoint;

  beforeAll(async () => {
    redis = await testRedis();
    const region = readFileSync('config/midden-utrecht.yaml', 'utf8').replace('embeddedDir: .werkbrug/store', `embeddedDir: ${state.storeDir}`);
    writeFileSync(configFile, `${region}\nprivacy:\n  checkpoints:\n    dir: ${join(state.dir, 'checkpoints')}\n`);
  });
  afterAll(async () => {
    await deleteRedisPrefix(redis.url, prefix);
    await redis.close();
    state.cleanup();
  });

  it('starts every schedule, and on SIGTERM stops cleanly with exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scheduler', '-c', configFile], {
      env: demoEnv({ REDIS_URL: redis.url, WERKBRUG_REDIS_PREFIX: prefix, WERKBRUG_PSEUDONYM_KEY: 'a1'.repeat(32), WERKBRUG_PSEUDONYM_KEY_ID: 'mu-2025a', LOG_LEVEL: 'info', WERKBRUG_HEALTH_PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const started = new Promise<void>((resolve, reject) => {
      let partial = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        for (const part of parts.filter((p) => p.startsWith('{'))) {
          const line = JSON.parse(part) as Record<string, unknown>;
          lines.push(line);
          // The health endpoint starts once the scheduler runs.
          if (String(line.msg).startsWith('health and metrics endpoint listening')) resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`scheduler exited with ${code} before it started: ${stderr}`)));
    });
    const exited = once(child, 'exit');
    await started;
    const endpoint = lines.find((l) => String(l.msg).startsWith('health and metrics endpoint listening'));
    const ready = await fetch(`${String(endpoint?.url)}/readyz`);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { redis: { ok: true }, store: { ok: true }, scheduler: { ok: true } } });
    expect(ready.status).toBe(200);
    expect((await fetch(`${String(endpoint?.url)}/metrics`)).status).toBe(200);
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const messages = lines.map((l) => l.msg);
    expect(messages).toContain('scheduler stopping');
    expect(messages.at(-1)).toBe('scheduler stopped');
    expect(lines.find((l) => l.msg === 'scheduler started')).toMatchObject({ housekeeping: true });
    // Every schedule of the example config was seen: its start is where a later catch-up counts from.
    const client = new Redis(redis.url);
    try {
      const keys = (await client.keys(`${prefix}:scheduler:last:*`)).map((k) => k.slice(`${prefix}:scheduler:last:`.length)).sort();
      expect(keys).toContain('ggz-altrecht#0');
      expect(keys).toContain('ggz-altrecht#1');
    } finally {
      client.disconnect();
    }
  });
});
