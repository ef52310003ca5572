import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainEntries, genesisHash, genesisHead, verifyChain } from '../../src/consent/consent-log-chain.js';
import type { ConsentLogEntry } from '../../src/store/store.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { decisionEntry } from './store-fixtures.js';

const engines = await testEngines();

/** The verifier a privacy officer could write from the format comment alone, without werkbrug's code. */
function independentHash(prevHash: string, seq: number, content: object): string {
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    return JSON.stringify(value);
  };
  return createHash('sha256').update(`${prevHash}\n${canonical({ ...content, seq })}`, 'utf8').digest('hex');
}

describe('chainEntries and verifyChain (pure)', () => {
  const chain = chainEntries(genesisHead, Array.from({ length: 6 }, (_, i) => decisionEntry(i + 1)));
  const head = { seq: 6, hash: chain[5]?.hash ?? '' };
  const at = (seq: number): ConsentLogEntry => chain[seq - 1] as ConsentLogEntry;

  it('numbers from 1 after the genesis hash and hashes as documented', () => {
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(at(1).prevHash).toBe(genesisHash);
    for (const entry of chain) expect(entry.hash).toBe(independentHash(entry.prevHash, entry.seq, entry.content));
  });

  it('continues a chain from its head', () => {
    const [next] = chainEntries(head, [decisionEntry(7)]);
    expect(next).toMatchObject({ seq: 7, prevHash: head.hash });
  });

  it.each([
    ['an intact chain', chain, head, { ok: true, entries: 6, headSeq: 6 }],
    ['an empty chain', [], genesisHead, { ok: true, entries: 0, headSeq: 0, headHash: genesisHash }],
    ['a changed outcome', chain.map((e) => (e.seq === 3 ? { ...e, content: { ...e.content, outcome: 'refuse' } } : e)), head, { ok: false, firstBadSeq: 3, problem: 'changed', entries: 2 }],
    ['a missing entry', chain.filter((e) => e.seq !== 4), head, { ok: false, firstBadSeq: 4, problem: 'removed' }],
    ['a missing first entry', chain.slice(1), head, { ok: false, firstBadSeq: 1, problem: 'removed' }],
    ['two entries in swapped order', [at(1), at(2), at(4), at(3), at(5), at(6)], head, { ok: false, firstBadSeq: 3, problem: 'reordered' }],
    ['two entries swapped seq numbers', [at(1), { ...at(3), seq: 2 }, { ...at(2), seq: 3 }, at(4), at(5), at(6)], head, { ok: false, firstBadSeq: 2, problem: 'reordered' }],
    ['an entry removed and the rest renumbered', [at(1), at(2), ...chain.slice(3).map((e) => ({ ...e, seq: e.seq - 1 }))], { seq: 5, hash: at(6).hash }, { ok: false, firstBadSeq: 3, problem: 'removed' }],
    ['a truncated tail', chain.slice(0, 4), head, { ok: false, firstBadSeq: 5, problem: 'head-mismatch', entries: 4 }],
    ['entries behind the head\'s back', chain, { seq: 5, hash: at(5).hash }, { ok: false, firstBadSeq: 6, problem: 'head-mismatch' }],
    ['a head with another hash', chain, { seq: 6, hash: genesisHash }, { ok: false, firstBadSeq: 6, problem: 'head-mismatch' }],
  ] as const)('on %s reports %o', async (_name, entries, chainHead, expected) => {
    expect(await verifyChain(entries, chainHead)).toMatchObject(expected);
  });

  it('names the entry before when an entry was changed and re-hashed', async () => {
    const content = { ...at(3).content, outcome: 'refuse' as const };
    const rehashed = { ...at(3), content, hash: independentHash(at(3).prevHash, 3, content) };
    const result = await verifyChain([at(1), at(2), rehashed, at(4), at(5), at(6)], head);
    expect(result).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'removed' });
    expect(!result.ok && result.detail).toMatch(/entry 3 was replaced/);
  });

  it('reads an async iterable the same way', async () => {
    async function* stream(): AsyncGenerator<ConsentLogEntry> { yield* chain; }
    expect(await verifyChain(stream(), head)).toMatchObject({ ok: true, entries: 6 });
  });
});

describe.each(engines)('consent log on $name', (engine) => {
  let t: TestStore;
  beforeAll(async () => { t = await openTestStore(engine); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => { await t.reset(); });

  /** Ten entries in two batches, then lets the test tamper with the table behind the trigger's back. */
  async function tenEntries(): Promise<void> {
    await t.store.transaction((tx) => tx.appendConsentLog(Array.from({ length: 6 }, (_, i) => decisionEntry(i + 1))));
    await t.store.transaction((tx) => tx.appendConsentLog(Array.from({ length: 4 }, (_, i) => decisionEntry(i + 7))));
    await t.sql.exec('ALTER TABLE consent_log DISABLE TRIGGER USER');
  }

  it('appends a batch in order, returns seqs and hashes, and verifies', async () => {
    const first = await t.store.transaction((tx) => tx.appendConsentLog([decisionEntry(1), decisionEntry(2), decisionEntry(3)]));
    const second = await t.store.transaction((tx) => tx.appendConsentLog([decisionEntry(4)]));
    expect(first.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first.map((e) => e.content.recordRef)).toEqual([1, 2, 3].map((n) => decisionEntry(n).recordRef));
    expect(second[0]?.prevHash).toBe(first[2]?.hash);
    expect(await t.store.readConsentLog({})).toEqual([...first, ...second]);
    expect(await t.store.readConsentLog({ fromSeq: 3, limit: 1 })).toEqual([first[2]]);
    expect(await t.store.verifyConsentLog()).toEqual({ ok: true, entries: 4, headSeq: 4, headHash: second[0]?.hash });
    for (const entry of await t.store.readConsentLog({})) expect(entry.hash).toBe(independentHash(entry.prevHash, entry.seq, entry.content));
  });

  it('verifies an empty log', async () => {
    expect(await t.store.verifyConsentLog()).toEqual({ ok: true, entries: 0, headSeq: 0, headHash: genesisHash });
  });

  it('appends nothing, and keeps the head, when a batch transaction rolls back', async () => {
    await t.store.transaction((tx) => tx.appendConsentLog([decisionEntry(1)]));
    await expect(t.store.transaction(async (tx) => {
      await tx.appendConsentLog([decisionEntry(2)]);
      throw new Error('batch failed after the decisions');
    })).rejects.toThrow('batch failed');
    expect(await t.store.verifyConsentLog()).toMatchObject({ ok: true, entries: 1, headSeq: 1 });
  });

  it('refuses UPDATE and DELETE on the log in the database itself', async () => {
    await t.store.transaction((tx) => tx.appendConsentLog([decisionEntry(1)]));
    await expect(t.sql.query(`UPDATE consent_log SET content = '{}'::jsonb`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(t.sql.query('DELETE FROM consent_log')).rejects.toThrow(/append-only: DELETE refused/);
  });

  it('names a changed entry', async () => {
    await tenEntries();
    await t.sql.query(`UPDATE consent_log SET content = jsonb_set(content, '{outcome}', '"refuse"') WHERE seq = 4`);
    expect(await t.store.verifyConsentLog()).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'changed', entries: 3 });
  });

  it('names a deleted entry', async () => {
    await tenEntries();
    await t.sql.query('DELETE FROM consent_log WHERE seq = 4');
    const result = await t.store.verifyConsentLog();
    expect(result).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'removed' });
    expect(!result.ok && result.detail).toMatch(/entry 4 is missing/);
  });

  it('names the first of two swapped entries', async () => {
    await tenEntries();
    await t.sql.exec('UPDATE consent_log SET seq = 1000 WHERE seq = 3; UPDATE consent_log SET seq = 3 WHERE seq = 4; UPDATE consent_log SET seq = 4 WHERE seq = 1000;');
    const result = await t.store.verifyConsentLog();
    expect(result).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'reordered' });
    expect(!result.ok && result.detail).toMatch(/written as entry 4/);
  });

  it('notices a truncated tail against the head', async () => {
    await tenEntries();
    await t.sql.query('DELETE FROM consent_log WHERE seq > 8');
    const result = await t.store.verifyConsentLog();
    expect(result).toMatchObject({ ok: false, firstBadSeq: 9, problem: 'head-mismatch', entries: 8 });
    expect(!result.ok && result.detail).toMatch(/entries 9–10 are missing from the end/);
  });

  it('keeps one valid chain when transactions append concurrently', async () => {
    const writers = Array.from({ length: 6 }, (_, w) => t.store.transaction(async (tx) => {
      await tx.lockStream('ggz-altrecht', `stream-${w}`);
      return tx.appendConsentLog(Array.from({ length: 25 }, (_, i) => decisionEntry(w * 100 + i)));
    }));
    const batches = await Promise.all(writers);
    for (const batch of batches) {
      // Each batch is one contiguous run of seqs: the head was held for the whole append.
      expect(batch.map((e) => e.seq)).toEqual(batch.map((_, i) => (batch[0]?.seq ?? 0) + i));
    }
    expect(batches.flat().map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(await t.store.verifyConsentLog()).toMatchObject({ ok: true, entries: 150, headSeq: 150 });
  });

  if (engine.name === 'postgres') {
    it('makes a second writer wait for the first writer\'s commit and continue from its head', async () => {
      let releaseFirst: () => void = () => undefined;
      const firstMayCommit = new Promise<void>((resolve) => { releaseFirst = resolve; });
      let firstAppended: () => void = () => undefined;
      const firstHasAppended = new Promise<void>((resolve) => { firstAppended = resolve; });
      const first = t.store.transaction(async (tx) => {
        const entries = await tx.appendConsentLog([decisionEntry(1), decisionEntry(2)]);
        firstAppended();
        await firstMayCommit;
        return entries;
      });
      await firstHasAppended;
      const second = t.store.transaction((tx) => tx.appendConsentLog([decisionEntry(3)]));
      // Wait (by asking the server, not by sleeping) until the second writer blocks on the head lock.
      let waiting = 0;
      for (let tries = 0; tries < 500 && waiting === 0; tries += 1) {
        const rows = await t.sql.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM consent_log_head%FOR UPDATE%'`,
        );
        waiting = Number(rows[0]?.n ?? 0);
      }
      expect(waiting).toBeGreaterThan(0);
      releaseFirst();
      const [a, b] = await Promise.all([first, second]);
      expect(b[0]).toMatchObject({ seq: 3, prevHash: a[1]?.hash });
      expect(await t.store.verifyConsentLog()).toMatchObject({ ok: true, entries: 3 });
    });
  }
});
