import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/consent/checkpoint.js';
import { writeCheckpoint, type WriteCheckpointOptions } from '../../src/consent/checkpoint-writer.js';
import { verifyLog } from '../../src/consent/log-verification.js';
import { recordAccess } from '../../src/privacy/access-log.js';
import { chainEntries, genesisHead } from '../../src/consent/consent-log-chain.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { decisionEntry } from '../store/store-fixtures.js';
import { checkpointConfig, scratch, testLogger, testSigningEnv, type Scratch } from './checkpoint-support.js';

const engines = await testEngines();
const { env, publicPem } = testSigningEnv();
const publicKey = parsePublicKey(publicPem)!;

describe.each(engines)('checkpoints against the store on $name', (engine) => {
  let t: TestStore;
  let s: Scratch;
  beforeAll(async () => { t = await openTestStore(engine); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => { await t.reset(); s = scratch('cp'); });
  afterEach(() => s.cleanup());

  const append = (from: number, count: number) => t.store.transaction((tx) => tx.appendConsentLog(Array.from({ length: count }, (_, i) => decisionEntry(from + i))));
  const options = (extra: Partial<WriteCheckpointOptions> = {}): WriteCheckpointOptions => ({
    store: t.store, config: checkpointConfig(s.dir), env, now: new Date('2025-03-02T09:00:00Z'), logger: testLogger().logger, ...extra,
  });
  const checkpointDir = () => join(s.dir, 'checkpoints');
  const verify = () => verifyLog(t.store, checkpointDir(), publicKey);

  /** 12 entries with a checkpoint at 8 and one at 12, then the trigger off: an operator with owner rights. */
  async function loggedAndCheckpointed(): Promise<void> {
    await append(1, 8);
    await writeCheckpoint(options());
    await append(9, 4);
    await writeCheckpoint(options({ now: new Date('2025-03-02T10:00:00Z') }));
    await t.sql.exec('ALTER TABLE consent_log DISABLE TRIGGER USER');
  }

  it('writes a signed checkpoint of the whole log that verifies, and skips one when the log did not grow enough', async () => {
    await append(1, 5);
    const first = await writeCheckpoint(options());
    expect(first).toMatchObject({ written: true, checkpoint: { format: 'werkbrug.checkpoint/1', region: 'AM13', treeSize: 5, keyId: 'mu-cp-test', time: '2025-03-02T09:00:00.000Z' } });
    const head = await t.store.verifyConsentLog();
    expect(first.written && first.checkpoint.chainHead).toBe(head.ok && head.headHash);
    expect(readdirSync(checkpointDir())).toEqual(['checkpoint-5-20250302T090000.000Z.json']);
    expect(await writeCheckpoint(options({ config: checkpointConfig(s.dir, { everyEntries: 3 }) }))).toMatchObject({ written: false, treeSize: 5, lastTreeSize: 5 });
    await append(6, 2);
    expect(await writeCheckpoint(options({ config: checkpointConfig(s.dir, { everyEntries: 3 }) }))).toMatchObject({ written: false, treeSize: 7 });
    expect(await writeCheckpoint(options({ config: checkpointConfig(s.dir, { everyEntries: 3 }), force: true }))).toMatchObject({ written: true, checkpoint: { treeSize: 7 } });
    expect(await verify()).toMatchObject({ ok: true, chain: { ok: true, entries: 7 }, checkpoints: { ok: true, checked: 2, failed: 0 } });
  });

  it('refuses to sign without a key, naming the variable', async () => {
    await expect(writeCheckpoint(options({ env: {} }))).rejects.toThrow(/WB_CONFIG_SECRET_MISSING WERKBRUG_CHECKPOINT_KEY and WERKBRUG_CHECKPOINT_KEY_ID/);
  });

  it('finds a changed entry (chain) and refuses to sign over it', async () => {
    await loggedAndCheckpointed();
    await t.sql.query(`UPDATE consent_log SET content = jsonb_set(content, '{outcome}', '"refuse"') WHERE seq = 4`);
    expect(await verify()).toMatchObject({ ok: false, chain: { ok: false, firstBadSeq: 4, problem: 'changed' } });
    await expect(writeCheckpoint(options({ force: true }))).rejects.toThrow(/WB_CONSENT_LOG_BROKEN.*entry #4 changed/);
  });

  it('finds the whole chain rewritten consistently from entry 3 on, against the checkpoints', async () => {
    await loggedAndCheckpointed();
    const rows = await t.store.readConsentLog({});
    const forged = chainEntries(genesisHead, rows.map((e) => (e.seq === 3 ? { ...e.content, outcome: 'refuse' as const } : e.content)));
    for (const entry of forged) {
      await t.sql.query('UPDATE consent_log SET prev_hash = $2, hash = $3, content = $4::jsonb WHERE seq = $1', [entry.seq, entry.prevHash, entry.hash, JSON.stringify(entry.content)]);
    }
    await t.sql.query('UPDATE consent_log_head SET hash = $1', [forged[forged.length - 1]?.hash]);
    const result = await verify();
    expect(result.chain.ok).toBe(true);
    expect(result.ok).toBe(false);
    const problems = result.checkpoints?.results.flatMap((r) => r.findings.map((f) => `${r.treeSize}:${f.problem}`));
    expect(problems).toEqual(['8:root-mismatch', '8:chain-head-mismatch', '12:root-mismatch', '12:chain-head-mismatch']);
    await expect(writeCheckpoint(options({ force: true }))).rejects.toThrow(/no longer matches the checkpoint/);
  });

  it('finds a log rewritten and signed again: the new checkpoint does not extend the one a partner kept', async () => {
    await append(1, 8);
    const partnerCopy = checkpointConfig(s.dir, { copies: [{ partner: 'ggz-altrecht', dir: join(s.dir, 'fg-ggz') }] });
    await writeCheckpoint(options({ config: partnerCopy }));
    await t.sql.exec('ALTER TABLE consent_log DISABLE TRIGGER USER');
    const rows = await t.store.readConsentLog({});
    const forged = chainEntries(genesisHead, rows.map((e) => (e.seq === 2 ? { ...e.content, outcome: 'refuse' as const } : e.content)));
    for (const entry of forged) {
      await t.sql.query('UPDATE consent_log SET prev_hash = $2, hash = $3, content = $4::jsonb WHERE seq = $1', [entry.seq, entry.prevHash, entry.hash, JSON.stringify(entry.content)]);
    }
    await t.sql.query('UPDATE consent_log_head SET hash = $1', [forged[forged.length - 1]?.hash]);
    // The operator also empties its own folder, so werkbrug signs the rewritten log.
    await (await import('node:fs/promises')).rm(checkpointDir(), { recursive: true });
    await t.sql.exec('ALTER TABLE consent_log ENABLE TRIGGER USER');
    await append(9, 2);
    await writeCheckpoint(options({ config: partnerCopy, now: new Date('2025-03-03T09:00:00Z') }));
    expect((await verify()).ok).toBe(true);
    const atPartner = await verifyLog(t.store, join(s.dir, 'fg-ggz'), publicKey);
    expect(atPartner.checkpoints?.results.map((r) => [r.treeSize, r.findings.map((f) => f.problem)])).toEqual([[8, ['root-mismatch', 'chain-head-mismatch']], [10, ['inconsistent']]]);
    expect(atPartner.checkpoints?.results[1]?.findings[0]?.detail).toMatch(/does not extend checkpoint-8-.*rewritten between 2025-03-02T09:00:00.000Z and 2025-03-03T09:00:00.000Z/);
  });

  it('signs the access log along, and finds it rewritten or cut off behind the trigger\'s back', async () => {
    const actor = { user: 'fg-test', onBehalfOf: null, authorisation: null };
    await recordAccess(t.store, { event: 'consent-explain', person: null, ...actor }, new Date('2025-03-02T08:30:00Z'));
    await recordAccess(t.store, { event: 'consent-log', person: null, ...actor }, new Date('2025-03-02T08:31:00Z'));
    await append(1, 3);
    const written = await writeCheckpoint(options());
    expect(written).toMatchObject({ written: true, checkpoint: { accessLog: { size: 2 } } });
    expect((await verify()).checkpoints?.ok).toBe(true);
    await t.sql.exec('ALTER TABLE access_log DISABLE TRIGGER USER');
    // An edit of one entry breaks the access log's own chain.
    await t.sql.query(`UPDATE access_log SET content = jsonb_set(content, '{user}', '"someone-else"') WHERE seq = 2`);
    const edited = await verify();
    expect(edited.ok).toBe(false);
    expect(edited.accessLog).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'changed' });
    // Rewritten consistently (hashes recomputed, head moved): only the signed head finds it.
    await t.sql.query(`UPDATE access_log SET hash = repeat('a', 64) WHERE seq = 2`);
    await t.sql.query(`UPDATE access_log_head SET hash = repeat('a', 64)`);
    const rewritten = await verify();
    expect(rewritten.checkpoints?.results[0]?.findings.map((f) => f.problem)).toContain('access-log-mismatch');
    await t.sql.query('DELETE FROM access_log WHERE seq = 2');
    expect((await verify()).checkpoints?.results[0]?.findings.find((f) => f.problem === 'access-log-mismatch')?.detail).toMatch(/covers 2 access-log entries, but the access log has 1/);
  });

  it('finds a truncated tail that took the head with it', async () => {
    await loggedAndCheckpointed();
    await t.sql.query('DELETE FROM consent_log WHERE seq > 10');
    const tenth = (await t.store.readConsentLogHashes({ fromSeq: 10, limit: 1 }))[0];
    await t.sql.query('UPDATE consent_log_head SET seq = 10, hash = $1', [tenth?.hash]);
    const result = await verify();
    expect(result.chain).toMatchObject({ ok: true, entries: 10 });
    expect(result.checkpoints?.results.map((r) => [r.treeSize, r.ok])).toEqual([[8, true], [12, false]]);
    expect(result.checkpoints?.results[1]?.findings[0]?.detail).toMatch(/covers 12 entries, but the log has 10: entries 11–12 are missing/);
  });

  it('finds entries deleted that a checkpoint covered, even with the rest renumbered and re-chained', async () => {
    await loggedAndCheckpointed();
    const rows = await t.store.readConsentLog({});
    const kept = rows.filter((e) => e.seq !== 5 && e.seq !== 6).map((e) => e.content);
    const forged = chainEntries(genesisHead, kept);
    await t.sql.exec('DELETE FROM consent_log');
    await t.sql.query('INSERT INTO consent_log (seq, prev_hash, hash, content) SELECT (e->>\'seq\')::bigint, e->>\'prevHash\', e->>\'hash\', e->\'content\' FROM jsonb_array_elements($1::jsonb) e', [JSON.stringify(forged)]);
    await t.sql.query('UPDATE consent_log_head SET seq = $1, hash = $2', [forged.length, forged[forged.length - 1]?.hash]);
    const result = await verify();
    expect(result.chain.ok).toBe(true);
    expect(result.checkpoints?.results.map((r) => r.findings.map((f) => f.problem))).toEqual([['root-mismatch', 'chain-head-mismatch'], ['beyond-log']]);
  });

  it('says plainly when the checkpoints were signed by another key', async () => {
    await append(1, 3);
    await writeCheckpoint(options());
    const other = parsePublicKey(testSigningEnv().publicPem)!;
    const result = await verifyLog(t.store, checkpointDir(), other);
    expect(result.checkpoints?.results[0]?.findings).toEqual([{ problem: 'signature', detail: expect.stringMatching(/^checkpoint-3-20250302T090000\.000Z was not signed by this public key \(key id mu-cp-test\)/) }]);
  });

  it('copies each checkpoint to every partner folder and posts it to every webhook, retrying, and reports a failure', async () => {
    const received: { body: unknown; auth: string | undefined }[] = [];
    let failuresLeft = 1;
    const server: Server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/down') { res.statusCode = 503; res.end(); return; }
        if (failuresLeft-- > 0) { res.statusCode = 502; res.end(); return; }
        received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), auth: req.headers.authorization });
        res.statusCode = 204;
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await append(1, 2);
      const { logger, sink } = testLogger();
      const config = checkpointConfig(s.dir, {
        copies: [{ partner: 'ggz-altrecht', dir: join(s.dir, 'fg-ggz') }, { partner: 'gem-utrecht', dir: join(s.dir, 'fg-gem') }],
        webhooks: [{ partner: 'uwv', url: `${base}/checkpoints`, secretHeaderEnv: 'FG_UWV_HEADER' }, { partner: 'gem-utrecht', url: `${base}/down` }],
      });
      const result = await writeCheckpoint(options({ config, logger, env: { ...env, FG_UWV_HEADER: 'Authorization: Bearer fg-secret' }, webhookRetry: { attempts: 3, baseDelayMs: 5, timeoutMs: 2000 } }));
      if (!result.written) throw new Error('expected a checkpoint');
      expect(result.deliveries).toEqual([
        { partner: 'ggz-altrecht', via: 'folder', target: join(s.dir, 'fg-ggz'), ok: true, attempts: 1 },
        { partner: 'gem-utrecht', via: 'folder', target: join(s.dir, 'fg-gem'), ok: true, attempts: 1 },
        { partner: 'uwv', via: 'webhook', target: base, ok: true, attempts: 2 },
        { partner: 'gem-utrecht', via: 'webhook', target: base, ok: false, attempts: 3, error: 'HTTP 503' },
      ]);
      expect(received).toEqual([{ body: result.checkpoint, auth: 'Bearer fg-secret' }]);
      expect(JSON.parse(readFileSync(join(s.dir, 'fg-ggz', readdirSync(join(s.dir, 'fg-ggz'))[0] ?? ''), 'utf8'))).toEqual(result.checkpoint);
      const failed = sink.parsed().filter((l) => l.msg === 'checkpoint delivery failed');
      expect(failed).toEqual([expect.objectContaining({ partner: 'gem-utrecht', via: 'webhook', error: 'HTTP 503', level: 50 })]);
      expect(sink.lines.join('\n')).not.toContain('fg-secret');
      // A partner's folder alone is enough to verify against.
      expect((await verifyLog(t.store, join(s.dir, 'fg-gem'), publicKey)).ok).toBe(true);
    } finally {
      server.close();
    }
  });
});
