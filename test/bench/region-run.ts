import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { openQueues } from '../../jobs/queues.js';
import { loadConfig } from '../../src/config/load.js';
import { loadReferenceTables } from '../../src/config/reference.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import type { Runtime } from '../../src/pipeline/runtime.js';
import { startWorkers } from '../../src/pipeline/workers.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { openStore } from '../../src/store/open-store.js';
import { connectRedis } from '../../src/support/redis-connection.js';

/**
 * One region sync in its own process, for the benchmark's partner table:
 *   tsx test/bench/region-run.ts <postgres|pglite> '<{"ggz":url,"gemeente":url,"uwv":url,"token":"…"}>'
 * ggz (FHIR JSON), one gemeente (StUF XML) and UWV (SuwiML XML, asked per person) through the real
 * pipeline, in the order a sync runs them. Prints one JSON line per partner: records read, the
 * run's seconds and records/s; and one with the process's peak RSS.
 */
const argsSchema = z.tuple([z.enum(['postgres', 'pglite']), z.string()]);
const [engine, json] = argsSchema.parse(process.argv.slice(2));
const urls = z.strictObject({ ggz: z.string().url(), gemeente: z.string().url(), uwv: z.string().url(), token: z.string().min(1) }).parse(JSON.parse(json));

const schema = `wb_bench_${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'werkbrug-bench-'));
const databaseUrl = engine === 'postgres' ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
const store = await openStore({ databaseUrl, schema, pgliteDir: join(dir, 'store') });
const loaded = loadConfig('config/midden-utrecht.yaml');
const settingsOf: Record<string, Record<string, unknown>> = {
  'ggz-altrecht': { baseUrl: `${urls.ggz}/fhir`, pageSize: 500 },
  'gem-utrecht': { baseUrl: urls.gemeente, pageSize: 200 },
  'uwv': {
    inkomstenUrl: `${urls.uwv}/SuwiML/UWVDossierInkomstenGSD-v0200/v1`, werknemersverzekeringenUrl: `${urls.uwv}/SuwiML/UWVDossierWerknemersverzekeringenGSD-v0200/v1`,
    // The sandbox answers at once; the production pace (5 questions/s) would measure the pace, not werkbrug.
    maxQuestionsPerSecond: 1000, concurrency: 8, personsPerPage: 100,
  },
};
const config: Config = {
  ...loaded,
  pipeline: { ...loaded.pipeline, backoffMs: 100 },
  partners: loaded.partners.filter((p) => p.id in settingsOf).map((p) => ({ ...p, settings: { ...p.settings, ...settingsOf[p.id] } })),
};
const env: NodeJS.ProcessEnv = { ...process.env };
for (const partner of config.partners) {
  const tokenEnv = partner.settings.tokenEnv;
  if (typeof tokenEnv === 'string') env[tokenEnv] = urls.token;
}
const runtime: Runtime = {
  config, store, env, logger: createLogger({ level: 'error' }),
  pseudonymiser: new Pseudonymiser({ keyId: 'bench', key: randomBytes(32) }),
  reference: loadReferenceTables(),
  now: () => new Date(),
};

const redis = await connectRedis({ url: process.env.REDIS_URL, startIfUnreachable: true });
const queues = await openQueues({ redisUrl: redis.url, prefix: `wb-bench-${randomBytes(3).toString('hex')}`, attempts: 5, backoffMs: 100 });
const workers = await startWorkers(runtime, queues);
const runs = await runSync(runtime, queues, config.partners.map((p) => p.id), 'bench');
for (const run of runs) {
  const totals = runBalance(run.streams).totals;
  const seconds = (Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 1000;
  const persons = Object.values(run.streams).reduce((n, c) => n + (c.personCounts.asked ?? 0), 0);
  process.stdout.write(`${JSON.stringify({ partner: run.partnerId, status: run.status, records: totals.read, seconds, recordsPerSecond: Math.round(totals.read / Math.max(seconds, 0.001)), persons })}\n`);
}
await workers.close();
await queues.obliterate();
await queues.close();
await redis.close();
await store.close();
if (databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
process.exit(0);
