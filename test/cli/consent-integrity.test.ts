import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditExportCommand } from '../../src/cli/privacy-audit-export.js';
import { consentCheckpointCommand, consentPublicKeyCommand } from '../../src/cli/consent-checkpoint.js';
import { consentExplainCommand } from '../../src/cli/consent-explain.js';
import type { IntegrityIo } from '../../src/cli/consent-integrity-context.js';
import { consentConsistencyCommand, consentProveCommand } from '../../src/cli/consent-prove.js';
import { consentVerifyCommand } from '../../src/cli/consent-verify.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { decisionEntry, personA, referral } from '../store/store-fixtures.js';
import { scratch, testSigningEnv, type Scratch } from '../consent/checkpoint-support.js';

/**
 * The log-integrity commands as a privacy officer runs them, through the real command functions
 * against an embedded store in a scratch folder: checkpoint, verify, public-key, prove and
 * prove --check, consistency, explain, audit-export, and the access-log entries they leave.
 */
const actor = { user: 'fg-test', onBehalfOf: 'FG ggz-altrecht', authorisation: 'AVG-15/2025-001' };
const { env: keyEnv, publicPem } = testSigningEnv();
const otherPem = testSigningEnv().publicPem;

describe('the log-integrity commands', () => {
  let s: Scratch;
  let configFile: string;
  const env = (): NodeJS.ProcessEnv => ({ ...keyEnv });
  let clock = new Date('2025-03-02T09:00:00Z');

  function io(): IntegrityIo & { text: () => string } {
    const parts: string[] = [];
    return { env: env(), write: (t) => { parts.push(t); }, now: () => clock, text: () => parts.join('') };
  }

  async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await openStore({ pgliteDir: join(s.dir, 'store'), schema: 'werkbrug' });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  /** A decision for record n, then the record stored with that decision in its lineage. */
  async function decideAndStore(store: Store, n: number): Promise<string> {
    const record = referral({ id: String(n), version: '1' });
    const [entry] = await store.transaction((tx) => tx.appendConsentLog([{ ...decisionEntry(n), recordRef: record.source.record_ref, purposes: [{ purpose: 'P_MONITOR_REGIO', outcome: 'permit', rule: 'CR04-permit', consentRef: 'ggz-altrecht:Consent/7/_history/1' }] }]));
    const stored = { ...record, lineage: { ...record.lineage, consent_decision: `cl1:${entry?.hash ?? ''}` } };
    await store.transaction((tx) => tx.applyWrites([{ op: 'insert', record: stored, runId: 'run-test' }]));
    return record.source.record_ref;
  }

  beforeAll(async () => {
    s = scratch('cli');
    const config = parseYaml(readFileSync('config/midden-utrecht.yaml', 'utf8')) as Record<string, unknown>;
    configFile = join(s.dir, 'region.yaml');
    writeFileSync(configFile, stringifyYaml({
      ...config,
      store: { embeddedDir: join(s.dir, 'store'), schema: 'werkbrug' },
      privacy: { checkpoints: { dir: join(s.dir, 'checkpoints'), copies: [{ partner: 'ggz-altrecht', dir: join(s.dir, 'fg-ggz') }] } },
    }));
    writeFileSync(join(s.dir, 'public.pem'), publicPem);
    writeFileSync(join(s.dir, 'other.pem'), otherPem);
    await withStore(async (store) => {
      for (let n = 1; n <= 6; n += 1) await decideAndStore(store, n);
    });
  });

  afterAll(() => s.cleanup());

  it('writes a checkpoint on demand into its folder and the partner copy, and verify checks chain and checkpoints', async () => {
    const out = io();
    expect(await consentCheckpointCommand({ config: configFile }, out)).toBe(0);
    expect(out.text()).toMatch(/checkpoint written: 6 entries, root [0-9a-f]{64}, key id mu-cp-test\n.*checkpoint-6-20250302T090000\.000Z\.json\n  delivered to ggz-altrecht \(folder /);
    const verified = io();
    expect(await consentVerifyCommand({ config: configFile }, verified)).toBe(0);
    expect(verified.text()).toMatch(/^consent log verified: 6 entries, head #6 cl1:[0-9a-f]{64}\naccess log verified: \d+ entries, head #\d+ al1:[0-9a-f]{64}\ncheckpoints verified: 1 in .* match the log \(latest: 6 entries at 2025-03-02T09:00:00.000Z; public key: the public half of WERKBRUG_CHECKPOINT_KEY\)\n$/);
    const json = io();
    expect(await consentVerifyCommand({ config: configFile, checkpoints: join(s.dir, 'fg-ggz'), publicKey: join(s.dir, 'public.pem'), format: 'json' }, json)).toBe(0);
    expect(JSON.parse(json.text())).toMatchObject({ ok: true, chain: { ok: true, entries: 6 }, checkpoints: { checked: 1, failed: 0 } });
  });

  it('says plainly that the checkpoints were not signed by another public key, and exits 1', async () => {
    const out = io();
    expect(await consentVerifyCommand({ config: configFile, publicKey: join(s.dir, 'other.pem') }, out)).toBe(1);
    expect(out.text()).toMatch(/checkpoint-6-20250302T090000\.000Z: signature: checkpoint-6-20250302T090000\.000Z was not signed by this public key \(key id mu-cp-test\)/);
  });

  it('does not call a log verified when no checkpoint could be checked (an emptied copy folder): exit 3, unless --chain-only', async () => {
    const empty = join(s.dir, 'emptied-copies');
    mkdirSync(empty, { recursive: true });
    const out = io();
    expect(await consentVerifyCommand({ config: configFile, checkpoints: empty, publicKey: join(s.dir, 'public.pem') }, out)).toBe(3);
    expect(out.text()).toMatch(/checkpoints: none in .*emptied-copies: only the chain was checked/);
    expect(await consentVerifyCommand({ config: configFile, checkpoints: empty, publicKey: join(s.dir, 'public.pem'), chainOnly: true }, io())).toBe(0);
  });

  it('prints the public key to hand to partners', () => {
    const out = io();
    consentPublicKeyCommand({ config: configFile }, out);
    expect(out.text()).toContain(publicPem);
    expect(out.text()).toMatch(/key id mu-cp-test\n# fingerprint sha256:[0-9a-f]{64}\n/);
  });

  it('proves a record against the latest checkpoint; the proof checks offline, and fails when tampered or checked with another key', async () => {
    const proofFile = join(s.dir, 'proof-3.json');
    const made = io();
    expect(await consentProveCommand('ggz-altrecht:ServiceRequest/3', { config: configFile, out: proofFile }, actor, made)).toBe(0);
    expect(made.text()).toMatch(/proof of log entry #3 against the checkpoint of 2025-03-02T09:00:00.000Z \(6 entries\)/);
    const proof = JSON.parse(readFileSync(proofFile, 'utf8')) as { entry: { content: Record<string, unknown> }; format: string; leafIndex: number };
    expect(proof).toMatchObject({ format: 'werkbrug.inclusion-proof/1', recordRef: 'ggz-altrecht:ServiceRequest/3/_history/1', leafIndex: 2, treeSize: 6 });

    const checked = io();
    expect(await consentProveCommand(undefined, { config: 'unused.yaml', check: proofFile, publicKey: join(s.dir, 'public.pem') }, actor, checked)).toBe(0);
    expect(checked.text()).toMatch(/ok    entry: .*\n  ok    place: .*\n  ok    path: .*\n  ok    signature: .*key id mu-cp-test\)\ninclusion proof of log entry #3 \(record ggz-altrecht:ServiceRequest\/3\/_history\/1\) verified\n$/);

    const tamperedFile = join(s.dir, 'proof-3-tampered.json');
    writeFileSync(tamperedFile, JSON.stringify({ ...proof, entry: { ...proof.entry, content: { ...proof.entry.content, outcome: 'refuse' } } }));
    const tampered = io();
    expect(await consentProveCommand(undefined, { config: 'unused.yaml', check: tamperedFile, publicKey: join(s.dir, 'public.pem') }, actor, tampered)).toBe(1);
    expect(tampered.text()).toMatch(/FAIL  entry: entry #3 does not match its hash/);

    const movedFile = join(s.dir, 'proof-3-moved.json');
    writeFileSync(movedFile, JSON.stringify({ ...proof, leafIndex: 3, entry: { ...proof.entry, seq: 4 } }));
    expect(await consentProveCommand(undefined, { config: 'unused.yaml', check: movedFile, publicKey: join(s.dir, 'public.pem') }, actor, io())).toBe(1);

    // A genuine proof relabelled as the proof of another record does not check.
    const relabelledFile = join(s.dir, 'proof-3-relabelled.json');
    writeFileSync(relabelledFile, JSON.stringify({ ...proof, recordRef: 'ggz-altrecht:EpisodeOfCare/someone-else/_history/1' }));
    const relabelled = io();
    expect(await consentProveCommand(undefined, { config: 'unused.yaml', check: relabelledFile, publicKey: join(s.dir, 'public.pem') }, actor, relabelled)).toBe(1);
    expect(relabelled.text()).toMatch(/FAIL  record: entry #3 is not the decision about ggz-altrecht:EpisodeOfCare\/someone-else/);

    const otherKey = io();
    expect(await consentProveCommand(undefined, { config: 'unused.yaml', check: proofFile, publicKey: join(s.dir, 'other.pem') }, actor, otherKey)).toBe(1);
    expect(otherKey.text()).toMatch(/FAIL  signature: the checkpoint was not signed by this public key \(key id mu-cp-test\)/);

    writeFileSync(join(s.dir, 'broken.json'), '{"format":"werkbrug.inclusion-proof/1"');
    await expect(consentProveCommand(undefined, { config: 'unused.yaml', check: join(s.dir, 'broken.json') }, actor, io())).rejects.toThrow(/WB_CONSENT_FILE_INVALID .*broken\.json.*not JSON/);
  });

  it('refuses to prove a record it does not hold, or one newer than the latest checkpoint', async () => {
    await expect(consentProveCommand('ggz-altrecht:ServiceRequest/999', { config: configFile }, actor, io())).rejects.toThrow(/WB_CONSENT_PROOF_UNAVAILABLE.*no stored record has reference ggz-altrecht:ServiceRequest\/999/);
    await withStore((store) => decideAndStore(store, 7));
    await expect(consentProveCommand('ggz-altrecht:ServiceRequest/7', { config: configFile }, actor, io())).rejects.toThrow(/log entry #7 is newer than the latest checkpoint/);
  });

  it('proves that a newer checkpoint extends an older one, and checks the saved proof offline', async () => {
    clock = new Date('2025-03-03T09:00:00Z');
    expect(await consentCheckpointCommand({ config: configFile }, io())).toBe(0);
    const [older, newer] = readdirSync(join(s.dir, 'checkpoints')).sort().map((f) => join(s.dir, 'checkpoints', f));
    const proofFile = join(s.dir, 'consistency.json');
    const out = io();
    expect(await consentConsistencyCommand([older ?? '', newer ?? ''], { config: configFile, out: proofFile }, out)).toBe(0);
    expect(out.text()).toMatch(/ok    consistency: the log of 6 entries is the start of the log of 7 entries: it only grew\nconsistency checkpoint-6-.* → checkpoint-7-.* verified\n/);
    const checked = io();
    expect(await consentConsistencyCommand([], { config: 'unused.yaml', check: proofFile, publicKey: join(s.dir, 'public.pem') }, checked)).toBe(0);
    const saved = JSON.parse(readFileSync(proofFile, 'utf8')) as { proof: string[] };
    writeFileSync(proofFile, JSON.stringify({ ...saved, proof: saved.proof.map((h, i) => (i === 0 ? `${h[0] === 'a' ? 'b' : 'a'}${h.slice(1)}` : h)) }));
    expect(await consentConsistencyCommand([], { config: 'unused.yaml', check: proofFile, publicKey: join(s.dir, 'public.pem') }, io())).toBe(1);
  });

  it('explains a record for a privacy officer: consent, purposes, rule and its sentence, log entries, a verified proof; and logs the access', async () => {
    const out = io();
    expect(await consentExplainCommand('ggz-altrecht:ServiceRequest/2/_history/1', { config: configFile }, actor, out)).toBe(0);
    const text = out.text();
    expect(text).toContain('record ggz-altrecht:ServiceRequest/2/_history/1 (referral, partner ggz-altrecht)');
    expect(text).toContain(`person ${personA}; stored for purposes: P_MONITOR_REGIO`);
    expect(text).toMatch(/consent decision cl1:[0-9a-f]{64} \(log entry #2\), checked 2025-03-02T08:00:02Z, outcome permit/);
    expect(text).toContain('P_MONITOR_REGIO: permit by rule CR04-permit: The most recent active consent naming the purpose permits it');
    expect(text).toContain('consent: ggz-altrecht:Consent/7/_history/1');
    expect(text).toMatch(/log entries about this record and its person's erasures \(1\):\n  #2 /);
    expect(text).toMatch(/inclusion proof against the checkpoint of 2025-03-03T09:00:00.000Z \(7 entries, key id mu-cp-test\): verified/);
    const json = io();
    await consentExplainCommand('ggz-altrecht:ServiceRequest/2', { config: configFile, format: 'json' }, actor, json);
    expect(JSON.parse(json.text())).toMatchObject({ decision: { seq: 2, purposes: [{ rule: 'CR04-permit' }] }, proof: { available: true, check: { ok: true } } });
    const accesses = await withStore((store) => store.readAccessLog({}));
    expect(accesses.map((a) => a.content.event)).toEqual(['consent-prove', 'consent-explain', 'consent-explain']);
    expect(accesses[1]?.content).toMatchObject({ person: personA, user: 'fg-test', onBehalfOf: 'FG ggz-altrecht', authorisation: 'AVG-15/2025-001' });
  });

  it('exports an audit folder with a manifest whose hashes match the files, and logs the access with counts', async () => {
    const outDir = join(s.dir, 'audit');
    const out = io();
    expect(await auditExportCommand({ config: configFile, from: '2025-03-01', to: '2025-03-31', out: outDir }, actor, out)).toBe(0);
    expect(out.text()).toMatch(/7 log entries, 0 erasures, 2 checkpoints; log verified: the hash chain and 2 checkpoints/);
    const readme = readFileSync(join(outDir, 'README.txt'), 'utf8');
    for (const name of ['consent-log.jsonl', 'erasures.jsonl', 'access-log.jsonl', 'verification.json', 'public-key.pem']) {
      const hash = createHash('sha256').update(readFileSync(join(outDir, name))).digest('hex');
      expect(readme).toContain(`${hash}  ${name}`);
    }
    expect(readdirSync(join(outDir, 'checkpoints'))).toHaveLength(2);
    expect(readFileSync(join(outDir, 'consent-log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7);
    const verification = JSON.parse(readFileSync(join(outDir, 'verification.json'), 'utf8')) as { accessLog?: { ok: boolean } };
    expect(verification.accessLog?.ok).toBe(true);
    const accesses = await withStore((store) => store.readAccessLog({}));
    expect(accesses[accesses.length - 1]?.content).toMatchObject({ event: 'audit-export', person: null, detail: { entries: 7, erasures: 0, checkpoints: 2 } });
    await expect(auditExportCommand({ config: configFile, from: '2025-03-01', to: '2025-03-31', out: outDir }, actor, io())).rejects.toThrow(/a new or empty folder/);
  });

  it('finds, from a partner\'s copy, a log rewritten after the checkpoints', async () => {
    const { createPgliteClient } = await import('../../src/store/pglite-client.js');
    const sql = await createPgliteClient({ schema: 'werkbrug', dataDir: join(s.dir, 'store') });
    try {
      await sql.exec('ALTER TABLE consent_log DISABLE TRIGGER USER');
      await sql.exec('DELETE FROM consent_log WHERE seq > 5');
      await sql.exec(`UPDATE consent_log_head SET seq = 5, hash = (SELECT hash FROM consent_log WHERE seq = 5)`);
    } finally {
      await sql.close();
    }
    const out = io();
    expect(await consentVerifyCommand({ config: configFile, checkpoints: join(s.dir, 'fg-ggz'), publicKey: join(s.dir, 'public.pem') }, out)).toBe(1);
    expect(out.text()).toMatch(/^consent log verified: 5 entries/);
    expect(out.text()).toMatch(/checkpoints FAILED: 2 of 2 .*\n  checkpoint-6-.*: beyond-log: .*covers 6 entries, but the log has 5/);
    expect(existsSync(join(s.dir, 'fg-ggz'))).toBe(true);
  });
});
