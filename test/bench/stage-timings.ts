// Per-stage timings of one pass over a running ggz sandbox (port 7499, token "tok"), for finding
// where the edge spends its time: `tsx test/bench/stage-timings.ts [pg]`. Not part of `npm test`.
import { randomBytes } from 'node:crypto';
import { ggzFhirConnector } from '../../connectors/ggz-fhir/connector.js';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { loadReferenceTables } from '../../src/config/reference.js';
import { finaliseRecord } from '../../src/pipeline/finalise-record.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { openStore } from '../../src/store/open-store.js';
const settings = ggzFhirConnector.configSchema.parse({ baseUrl: 'http://127.0.0.1:7499/fhir', tokenEnv: 'X', pageSize: 500 });
const http = createPartnerHttp({ partnerId: 'ggz-altrecht', allowedOrigins: ['http://127.0.0.1:7499'], token: 'tok', timeoutMs: 30000, maxBodyBytes: 64 << 20, retries: 0, baseDelayMs: 10, maxRetryAfterSeconds: 1 });
const ref = loadReferenceTables();
const ctx = { partnerId: 'ggz-altrecht', regionCode: 'AM13', pseudonymiser: new Pseudonymiser({ keyId: 'b', key: randomBytes(32) }), keepBirthYear: false, regionOfGemeente: ref.regionOfGemeente, gemeenteCodeOfName: ref.gemeenteCodeOfName };
const store = await openStore(process.argv[2] === 'pg' ? { databaseUrl: 'postgres://postgres@127.0.0.1:5432/test', schema: 'wb_stage_' + randomBytes(3).toString('hex') } : { inMemory: true });
const t = { pull: 0, edge: 0, fin: 0, tx: 0 }; let n = 0;
const now = () => Number(process.hrtime.bigint()) / 1e6;
for (const stream of ['Consent', 'ServiceRequest', 'EpisodeOfCare']) {
  const it = ggzFhirConnector.pull(settings, stream, undefined, http)[Symbol.asyncIterator]();
  for (let p = 1; ; p++) {
    let a = now(); const r = await it.next(); t.pull += now() - a; if (r.done) break; const page = r.value; n += page.read;
    a = now(); const edge = ggzFhirConnector.edge(page, ctx); t.edge += now() - a;
    a = now(); const writes = edge.records.filter((x) => !x.draft.source.deleted).map((x) => ({ op: 'insert' as const, runId: 'r', record: finaliseRecord(x.draft, ['P_MONITOR_REGIO'], { ingestedAt: new Date().toISOString(), connector: 'ggz-fhir@b', mappingVersion: 'b', batchId: `b1-bench-${stream}-${p}`, consentDecision: `cl1:${'0'.repeat(64)}` }) })); t.fin += now() - a;
    a = now(); await store.transaction(async (tx) => tx.applyWrites(writes)); t.tx += now() - a;
    if (page.last) break;
  }
}
console.log(process.argv[2] ?? 'pglite-mem', n, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])));
await store.close();
