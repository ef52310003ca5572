import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { openQueues } from '../../jobs/queues.js';
import { loadConfig } from '../../src/config/load.js';
import { loadReferenceTables } from '../../src/config/reference.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { backfill } from '../../src/operations/backfill.js';
import { replayRun, waitForRun } from '../../src/operations/run-actions.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import type { Runtime } from '../../src/pipeline/runtime.js';
import { startWorkers } from '../../src/pipeline/workers.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { connectRedis } from '../../src/support/redis-connection.js';

/**
 * The operations part of `npm run bench`, in its own process:
 *   tsx test/bench/operations-run.ts <ggz sandbox url> <token>
 * Against PostgreSQL (own schemas): one full sync of the ggz partner (the baseline), a replay of
 * that run (every record read again, nothing stored), and a back-fill of the same data into a
 * fresh store in 8 windows, 1 and 4 at a time. Prints one JSON line per measurement; the bench
 * reports each as a ratio to the full sync of the same run.
 */
const [baseUrl, token] = z.tuple([z.string().url(), z.string().min(1)]).parse(process.argv.slice(2));
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const loaded = loadConfig('config/midden-utrecht.yaml');
const config: Config = {
  ...loaded,
  pipeline: { ...loaded.pipeline, backoffMs: 100 },
  // No webhook in a bench: alerts are judged and stored, not sent (and not logged as misconfigured).
  operations: { ...loaded.operations, alerts: { ...loaded.operations.alerts, urlEnv: undefined } },
  partners: loaded.partners.filter((p) => p.id === 'ggz-altrecht').map((p) => ({ ...p, settings: { ...p.settings, baseUrl: `${baseUrl}/fhir`, pageSize: 500 } })),
};
const env: NodeJS.ProcessEnv = { ...process.env, WERKBRUG_GGZ_ALTRECHT_TOKEN: token };
const key = { keyId: 'bench', key: randomBytes(32) };
const redis = await connectRedis({ url: process.env.REDIS_URL, startIfUnreachable: true });
const schemas: string[] = [];

async function session(): Promise<{ runtime: Runtime; close: () => Promise<void>; queues: Awaited<ReturnType<typeof openQueues>> }> {
  const schema = `wb_bench_ops_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  const store: Store = await openStore({ databaseUrl, schema });
  const runtime: Runtime = { config, store, env, logger: createLogger({ level: 'error' }), pseudonymiser: new Pseudonymiser(key), reference: loadReferenceTables(), now: () => new Date() };
  const queues = await openQueues({ redisUrl: redis.url, prefix: `wb-bench-ops-${randomBytes(3).toString('hex')}`, attempts: 5, backoffMs: 100 });
  const workers = await startWorkers(runtime, queues, { syncConcurrency: 8 });
  return {
    runtime, queues,
    async close() {
      await workers.close();
      await queues.obliterate();
      await queues.close();
      await store.close();
    },
  };
}

const emit = (what: string, seconds: number, records: number, extra: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ what, seconds, records, ...extra })}\n`);
};

const first = await session();
let started = Date.now();
const [full] = await runSync(first.runtime, first.queues, ['ggz-altrecht'], 'bench');
if (!full || full.status !== 'succeeded') throw new Error(`full sync ${full?.status ?? 'missing'}`);
const fullSeconds = (Date.now() - started) / 1000;
const modified = await first.runtime.store.countRecords();
emit('full sync', fullSeconds, runBalance(full.streams).totals.read, { rows: modified, stored: runBalance(full.streams).totals.stored });
started = Date.now();
const replay = await waitForRun(first.runtime, first.queues, await replayRun(first.runtime, first.queues, full.runId));
emit('replay of it', (Date.now() - started) / 1000, runBalance(replay.streams).totals.read, { rows: await first.runtime.store.countRecords(), stored: runBalance(replay.streams).totals.stored });
await first.close();

// The sandbox's records carry lastUpdated over the past years; one window range covers them all.
const from = '2000-01-01T00:00:00.000Z';
const to = new Date(Date.now() + 86_400_000).toISOString();
const windowDays = Math.ceil((Date.parse(to) - Date.parse(from)) / 86_400_000 / 8);
for (const parallel of [1, 4]) {
  const fresh = await session();
  started = Date.now();
  const result = await backfill(fresh.runtime, fresh.queues, 'ggz-altrecht', { from, to, windowDays, parallel });
  const read = result.runs.reduce((n, run) => n + runBalance(run.streams).totals.read, 0);
  emit(`back-fill, ${result.windows.length} windows, ${parallel} at a time`, (Date.now() - started) / 1000, read, { rows: await fresh.runtime.store.countRecords(), stored: result.runs.reduce((n, run) => n + runBalance(run.streams).totals.stored, 0), failed: result.runs.filter((r) => r.status !== 'succeeded').length });
  await fresh.close();
}

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await client.end();
await redis.close();
process.exit(0);
