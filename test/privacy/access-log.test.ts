import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessActor } from '../../src/cli/access-options.js';
import { writeAccessLogList } from '../../src/cli/privacy-access-log-list.js';
import { containsBsnLike, recordAccess, recordAccessEntry, type AccessEvent } from '../../src/privacy/access-log.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';

const engines = await testEngines();

const actor = { user: 'fg-officer', onBehalfOf: 'FG ggz-altrecht', authorisation: 'AVG-15/2026-003' };
const pseudonymOf = (n: number): string => `ps1:test:${String(n).padStart(42, 'A')}A`;
const event = (n: number, person: string | null = pseudonymOf(n)): AccessEvent => ({ event: 'consent-explain', person, ...actor, detail: { entries: n } });

/** The hash a privacy officer recomputes from the `cl1` format comment, here over the access log. */
function independentHash(prevHash: string, seq: number, content: Record<string, unknown>): string {
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
    }
    return JSON.stringify(value);
  };
  return createHash('sha256').update(`${prevHash}\n${canonical({ ...content, seq })}`, 'utf8').digest('hex');
}

describe('access-log guards (pure)', () => {
  it('recognises a BSN with or without separators, and not hashes, uuids or dates', () => {
    expect(containsBsnLike('request for 111222333')).toBe(true);
    expect(containsBsnLike('1112.22.333')).toBe(true);
    expect(containsBsnLike('11222333')).toBe(false); // 011222333 fails the 11-proef
    expect(containsBsnLike('123456789')).toBe(false);
    expect(containsBsnLike(`cl1:ab111222333cd${'0'.repeat(49)}`)).toBe(false);
    expect(containsBsnLike('2026-01-01/2026-03-31')).toBe(false);
  });

  it('takes the actor from options, else the operating-system user', () => {
    expect(accessActor({ user: 'anna', onBehalfOf: 'FG', authorisation: 'ref-1', extra: true })).toEqual({ user: 'anna', onBehalfOf: 'FG', authorisation: 'ref-1' });
    const fallback = accessActor({});
    expect(fallback.user.length).toBeGreaterThan(0);
    expect(fallback).toMatchObject({ onBehalfOf: null, authorisation: null });
  });
});

describe.each(engines)('access log on $name', (engine) => {
  let t: TestStore;

  beforeAll(async () => {
    if (engine.unavailable !== undefined) throw new Error(engine.unavailable);
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
  });

  async function fiveEntries(): Promise<void> {
    for (let n = 1; n <= 5; n += 1) await recordAccess(t.store, event(n), new Date(Date.UTC(2026, 0, n, 10)));
  }

  it('chains entries as documented and verifies them', async () => {
    await fiveEntries();
    const entries = await t.store.readAccessLog({});
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const entry of entries) expect(entry.hash).toBe(independentHash(entry.prevHash, entry.seq, { ...entry.content }));
    expect(entries[0]?.content).toEqual({ event: 'consent-explain', at: '2026-01-01T10:00:00.000Z', person: pseudonymOf(1), ...actor, detail: { entries: 1 } });
    expect(await t.store.verifyAccessLog()).toMatchObject({ ok: true, entries: 5, headSeq: 5, headHash: entries[4]?.hash });
  });

  it('lists a period, half-open, and a person', async () => {
    await fiveEntries();
    const period = await t.store.readAccessLog({ from: '2026-01-02T00:00:00Z', to: '2026-01-04T10:00:00Z' });
    expect(period.map((e) => e.seq)).toEqual([2, 3]);
    expect((await t.store.readAccessLog({ person: pseudonymOf(4) })).map((e) => e.seq)).toEqual([4]);
    expect((await t.store.readAccessLog({ afterSeq: 3, limit: 1 })).map((e) => e.seq)).toEqual([4]);
  });

  it('is append-only in the database', async () => {
    await fiveEntries();
    await expect(t.sql.query(`UPDATE access_log SET content = '{}'::jsonb`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(t.sql.query('DELETE FROM access_log WHERE seq = 2')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(t.sql.exec('TRUNCATE access_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
  });

  it('detects a changed entry, a removed entry and a cut-off tail behind the trigger\'s back', async () => {
    await fiveEntries();
    await t.sql.exec('ALTER TABLE access_log DISABLE TRIGGER USER');
    // A plain table, not TEMP: on PostgreSQL the next statement may run on another pooled connection.
    const saved = 'CREATE TABLE saved_access_log AS SELECT * FROM access_log';
    await t.sql.exec(saved);
    const restore = 'DELETE FROM access_log; INSERT INTO access_log SELECT * FROM saved_access_log;';

    await t.sql.query(`UPDATE access_log SET content = jsonb_set(content, '{user}', '"someone-else"') WHERE seq = 3`);
    expect(await t.store.verifyAccessLog()).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'changed', entries: 2 });

    await t.sql.exec(restore);
    expect(await t.store.verifyAccessLog()).toMatchObject({ ok: true, entries: 5 });
    await t.sql.query('DELETE FROM access_log WHERE seq = 2');
    expect(await t.store.verifyAccessLog()).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'removed' });

    await t.sql.exec(restore);
    await t.sql.query('DELETE FROM access_log WHERE seq = 5');
    expect(await t.store.verifyAccessLog()).toMatchObject({ ok: false, firstBadSeq: 5, problem: 'head-mismatch' });
  });

  it('keeps one chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => recordAccessEntry(t.store, event(i + 1), new Date(Date.UTC(2026, 1, 1, 0, i)))));
    expect(await t.store.verifyAccessLog()).toMatchObject({ ok: true, entries: 8 });
  });

  it('refuses anything but a pseudonym as whose data was accessed (a BSN typed as --person)', async () => {
    await expect(recordAccess(t.store, { ...event(1), person: '999993653' }, new Date())).rejects.toThrow(/refuses person: expected a ps1 pseudonym/);
  });

  it('refuses a BSN in the actor or the detail and stores nothing', async () => {
    await expect(recordAccess(t.store, { ...event(1), authorisation: 'request of 111222333' }, new Date())).rejects.toThrow(/refuses authorisation: it looks like a BSN/);
    await expect(recordAccess(t.store, { ...event(1), detail: { ref: '1112.22.333' } }, new Date())).rejects.toThrow(/refuses detail\.ref/);
    expect(await t.store.readAccessLog({})).toEqual([]);
    const lines = (await t.store.dumpTable('access_log')).join('\n');
    expect(lines).not.toContain('111222333');
  });
});

describe.each(engines)('access-log list on $name', (engine) => {
  let t: TestStore;

  beforeAll(async () => {
    if (engine.unavailable !== undefined) throw new Error(engine.unavailable);
    t = await openTestStore(engine);
    for (let n = 1; n <= 3; n += 1) await recordAccess(t.store, { ...event(n), detail: { to: '2026-02-01', entries: n } }, new Date(Date.UTC(2026, 0, n, 10)));
  });
  afterAll(async () => t?.close());

  async function list(format: 'table' | 'csv' | 'json', filter = {}): Promise<string> {
    let text = '';
    await writeAccessLogList(t.store, filter, format, (chunk) => {
      text += chunk;
    }, 2);
    return text;
  }

  it('lists every field of an entry as json and csv, a page at a time', async () => {
    const rows = JSON.parse(await list('json')) as Record<string, unknown>[];
    const entries = await t.store.readAccessLog({});
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({ seq: 2, ...entries[1]?.content, hash: `al1:${entries[1]?.hash ?? ''}` });
    const csv = (await list('csv')).split('\r\n');
    expect(csv[0]).toBe('seq,at,event,person,user,on_behalf_of,authorisation,detail,hash');
    expect(csv[3]).toBe(`3,2026-01-03T10:00:00.000Z,consent-explain,${pseudonymOf(3)},fg-officer,FG ggz-altrecht,AVG-15/2026-003,entries=3; to=2026-02-01,al1:${entries[2]?.hash ?? ''}`);
  });

  it('filters by person and period, and a table names who for whom under what', async () => {
    const table = await list('table', { person: pseudonymOf(2) });
    expect(table).toMatch(/^2\s+2026-01-02T10:00:00.000Z\s+consent-explain\s+ps1:test:A+2A\s+fg-officer for FG ggz-altrecht under AVG-15\/2026-003$/m);
    expect(table).toMatch(/1 access\n$/);
    expect(JSON.parse(await list('json', { from: '2026-01-02T10:00:00.001Z' })) as unknown[]).toHaveLength(1);
  });
});
