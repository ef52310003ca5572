import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openQueues } from '../../jobs/queues.js';
import { loadConfig } from '../../src/config/load.js';
import { loadReferenceTables } from '../../src/config/reference.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { finaliseRecord } from '../../src/pipeline/finalise-record.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { newRunId, runSync } from '../../src/pipeline/run-sync.js';
import { bindPartner, partnerHttp, type Runtime } from '../../src/pipeline/runtime.js';
import { startWorkers } from '../../src/pipeline/workers.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { openStore } from '../../src/store/open-store.js';
import type { RecordWrite } from '../../src/store/store.js';
import { connectRedis } from '../../src/support/redis-connection.js';

/**
 * One measurement in its own process (so its peak RSS is its own):
 *   tsx test/bench/bench-run.ts <ceiling|pipeline> <sandboxBaseUrl> <token> <postgres|pglite>
 * Prints one JSON line: { mode, records, seconds, recordsPerSecond, maxRssMb }.
 *
 * ceiling:  the same records pulled, parsed, pseudonymised, normalised and batch-inserted in this
 *           one process, without queues, consent or the consent log.
 * pipeline: the real pipeline: sync → pull (edge) → Redis → ingest (consent, log, upsert, cursor).
 */
const [mode, baseUrl, token, engine] = process.argv.slice(2);
if ((mode !== 'ceiling' && mode !== 'pipeline') || !baseUrl || !token || (engine !== 'postgres' && engine !== 'pglite')) {
  process.stderr.write('usage: bench-run.ts <ceiling|pipeline> <sandboxBaseUrl> <token> <postgres|pglite>\n');
  process.exit(2);
}

const schema = `wb_bench_${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'werkbrug-bench-'));
const databaseUrl = engine === 'postgres' ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
const store = await openStore({ databaseUrl, schema, pgliteDir: join(dir, 'store') });
const loaded = loadConfig('config/midden-utrecht.yaml');
const config: Config = {
  ...loaded,
  pipeline: { ...loaded.pipeline, backoffMs: 100 },
  partners: loaded.partners.filter((p) => p.id === 'ggz-altrecht').map((p) => ({ ...p, settings: { ...p.settings, baseUrl, pageSize: 500 } })),
};
const logger = createLogger({ level: 'error' });
const env = { ...process.env, WERKBRUG_GGZ_ALTRECHT_TOKEN: token };
const runtime: Runtime = {
  config, store, logger, env,
  pseudonymiser: new Pseudonymiser({ keyId: 'bench', key: randomBytes(32) }),
  reference: loadReferenceTables(),
  now: () => new Date(),
};

let records = 0;
const started = process.hrtime.bigint();
if (mode === 'ceiling') {
  const binding = bindPartner(runtime, 'ggz-altrecht');
  const http = partnerHttp(runtime, binding, logger);
  const runId = newRunId('ggz-altrecht', new Date());
  const context = { partnerId: 'ggz-altrecht', regionCode: 'AM13', pseudonymiser: runtime.pseudonymiser, keepBirthYear: false, regionOfGemeente: runtime.reference.regionOfGemeente, gemeenteCodeOfName: runtime.reference.gemeenteCodeOfName };
  for (const stream of binding.connector.describe(binding.settings).streams) {
    let page = 0;
    for await (const source of binding.connector.pull(binding.settings, stream.name, undefined, http)) {
      page += 1;
      records += source.read;
      const edge = binding.connector.edge(source, context);
      const batchId = `b1-${runId}-${stream.name}-p${page}`;
      const writes: RecordWrite[] = edge.records.filter((r) => !r.draft.source.deleted).map((r) => ({
        op: 'insert' as const, runId,
        record: finaliseRecord(r.draft, ['P_MONITOR_REGIO'], { ingestedAt: new Date().toISOString(), connector: 'ggz-fhir@bench', mappingVersion: 'bench', batchId, consentDecision: `cl1:${'0'.repeat(64)}` }),
      }));
      const unique = [...new Map(writes.map((w) => [w.op === 'insert' ? w.record.source.record_key : '', w])).values()];
      await store.transaction(async (tx) => { if (unique.length > 0) await tx.applyWrites(unique); });
      if (source.last) break;
    }
  }
} else {
  const redis = await connectRedis({ url: process.env.REDIS_URL, startIfUnreachable: true });
  const queues = await openQueues({ redisUrl: redis.url, prefix: `wb-bench-${randomBytes(3).toString('hex')}`, attempts: 5, backoffMs: 100 });
  const workers = await startWorkers(runtime, queues);
  const [run] = await runSync(runtime, queues, ['ggz-altrecht'], 'bench');
  const totals = runBalance(run?.streams ?? {}).totals;
  records = totals.read;
  if (run?.status !== 'succeeded') process.stderr.write(`bench: run ${run?.status ?? 'missing'}: ${run?.errorMessage ?? ''}\n`);
  await workers.close();
  await queues.obliterate();
  await queues.close();
  await redis.close();
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await store.close();
if (databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
rmSync(dir, { recursive: true, force: true });
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ mode, engine, records, seconds, recordsPerSecond: Math.round(records / seconds), maxRssMb })}\n`);
process.exit(0);
