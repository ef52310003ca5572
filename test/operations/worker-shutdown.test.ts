import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueues, type QueueSet } from '../../jobs/queues.js';
import { startGgzSandbox, type GgzSandbox } from '../../connectors/ggz-fhir/sandbox/server.js';
import { bootstrap, type Bootstrapped } from '../../src/cli/bootstrap.js';
import { startRun, waitForRun } from '../../src/operations/run-actions.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { startWorkers } from '../../src/pipeline/workers.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { testDatabaseUrl } from '../support/postgres.js';
import { deleteRedisPrefix, testPrefix, testRedis } from '../support/redis.js';
import { spawnCli, writeTestConfig } from '../support/worker-process.js';

/**
 * Issue 6: "SIGTERM during a batch loses nothing". A real `werkbrug worker` process syncs the ggz
 * sandbox into PostgreSQL; SIGTERM arrives while it is in the middle of a stream. It must exit 0,
 * hand its jobs back, and a second worker must finish the run so that the store holds exactly what
 * an uninterrupted sync stores, with every page counted once.
 */
const partnerId = 'ggz-altrecht';
const key = { WERKBRUG_PSEUDONYM_KEY: 'b2'.repeat(32), WERKBRUG_PSEUDONYM_KEY_ID: 'shutdown-test' };

function recordLines(rows: readonly string[]): string[] {
  return rows.map((line) => JSON.parse(line) as { record_key: string; version: string; content_hash: string })
    .map((r) => `${r.record_key}|${r.version}|${r.content_hash}`).sort();
}

describe('werkbrug worker on SIGTERM', () => {
  let sandbox: GgzSandbox;
  let redis: RedisEndpoint;
  let dir: string;
  let boot: Bootstrapped;
  let queues: QueueSet;
  let env: NodeJS.ProcessEnv;
  const schema = `wb_shutdown_${randomBytes(4).toString('hex')}`;
  const prefix = testPrefix('shutdown');

  beforeAll(async () => {
    const token = randomBytes(12).toString('hex');
    sandbox = await startGgzSandbox({ token, scenario: 'default', persons: 150, now: '2025-06-02T09:00:00+02:00' });
    redis = await testRedis();
    dir = mkdtempSync(join(tmpdir(), 'wb-shutdown-'));
    const configFile = writeTestConfig(dir, {
      partners: { [partnerId]: { baseUrl: sandbox.baseUrl, pageSize: 20 } },
      schema,
      extra: (config) => { (config.pipeline as Record<string, unknown>).backoffMs = 50; },
    });
    env = { ...process.env, ...key, DATABASE_URL: testDatabaseUrl, REDIS_URL: redis.url, WERKBRUG_REDIS_PREFIX: prefix, WERKBRUG_GGZ_ALTRECHT_TOKEN: token, LOG_LEVEL: 'debug', WERKBRUG_CONFIG: configFile, WERKBRUG_HEALTH_PORT: '0' };
    boot = await bootstrap({ configFile, env, logLevel: 'silent' });
    queues = await openQueues({ redisUrl: redis.url, prefix, attempts: 3, backoffMs: 50 });
  }, 60_000);

  afterAll(async () => {
    await queues?.close();
    await deleteRedisPrefix(redis.url, prefix).catch(() => undefined);
    await boot?.close();
    await dropSchema(schema);
    await sandbox?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the job in hand back, exits 0, and a second worker finishes the run with nothing lost or counted twice', async () => {
    // Every search page answers slowly, so SIGTERM lands in the middle of a stream.
    await fetch(`${sandbox.url}/__control/faults`, {
      method: 'POST', headers: { Authorization: `Bearer ${sandbox.controlToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ match: { method: 'GET' }, fault: { type: 'delay', ms: 150 }, times: 100_000 }),
    });
    const runtime = boot.runtime;
    const runId = await startRun(runtime, queues, partnerId, 'test');
    const worker = spawnCli(['worker', '-c', String(env.WERKBRUG_CONFIG)], env);
    // Its health endpoint says it is ready: Redis, the store and the workers answer.
    const listening = await worker.waitForLine((line) => String(line.msg).startsWith('health and metrics endpoint listening'), 60_000);
    const ready = await fetch(`${String(listening.url)}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { redis: { ok: true }, store: { ok: true }, workers: { ok: true } } });
    // Two pages stored: the worker is in the middle of its streams.
    let stored = 0;
    await worker.waitForLine((line) => line.msg === 'page stored' && ++stored >= 2, 90_000);
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit, worker.stderr()).toEqual({ code: 0, signal: null });
    expect(worker.lines.some((line) => line.msg === 'worker stopped')).toBe(true);
    expect(worker.lines.some((line) => line.msg === 'stream pull handed back')).toBe(true);

    const held = await runtime.store.getRun(runId);
    expect(held?.status).toBe('running');
    const pagesBefore = runBalance(held?.streams ?? {}).totals.pages;
    expect(pagesBefore).toBeGreaterThanOrEqual(2);

    // A second worker (here, in this process) takes the handed-back jobs up and finishes the run.
    await fetch(`${sandbox.url}/__control/faults`, { method: 'DELETE', headers: { Authorization: `Bearer ${sandbox.controlToken}` } });
    const workers = await startWorkers(runtime, queues);
    try {
      const run = await waitForRun(runtime, queues, runId);
      expect(run.status, run.errorMessage ?? '').toBe('succeeded');
      expect(runBalance(run.streams).closes).toBe(true);
      // Every committed page counted once: the run's page counters equal its committed batches.
      const batches = (await runtime.store.dumpTable('ingested_batches')).map((l) => JSON.parse(l) as { run_id: string }).filter((b) => b.run_id === runId);
      expect(runBalance(run.streams).totals.pages).toBe(batches.length);
    } finally {
      await workers.close();
    }

    // Nothing lost: an uninterrupted sync of the same sandbox into a fresh store stores the same.
    const reference = await bootstrap({ configFile: String(env.WERKBRUG_CONFIG), env, inMemoryStore: true, logLevel: 'silent' });
    const referencePrefix = testPrefix('shutdown-ref');
    const refQueues = await openQueues({ redisUrl: redis.url, prefix: referencePrefix, attempts: 3, backoffMs: 50 });
    const refWorkers = await startWorkers(reference.runtime, refQueues);
    try {
      const [refRun] = await runSync(reference.runtime, refQueues, [partnerId], 'test');
      expect(refRun?.status).toBe('succeeded');
      expect(recordLines(await runtime.store.dumpTable('records'))).toEqual(recordLines(await reference.runtime.store.dumpTable('records')));
    } finally {
      await refWorkers.close();
      await refQueues.obliterate();
      await refQueues.close();
      await reference.close();
    }
  }, 180_000);
});

async function dropSchema(name: string): Promise<void> {
  const { createPostgresClient } = await import('../../src/store/postgres-client.js');
  const client = await createPostgresClient({ databaseUrl: testDatabaseUrl, schema: 'public', poolSize: 1 });
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } finally {
    await client.close();
  }
}
