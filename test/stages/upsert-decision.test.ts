import { describe, expect, it } from 'vitest';
import { compareInstants, decideUpsert, dedupeBatch, type ExistingState, type IncomingState, type UpsertDecision } from '../../src/stages/upsert-decision.js';

const stored: ExistingState = { version: '5', mappingVersion: 'm1', modifiedAt: '2025-03-05T10:00:00Z', contentHash: 'sha256:aaa' };
const r = (over: Partial<IncomingState>): IncomingState => ({ version: '6', mappingVersion: 'm1', modifiedAt: '2025-03-06T10:00:00Z', contentHash: 'sha256:bbb', deleted: false, ...over });
const s = (over: Partial<ExistingState>): ExistingState => ({ ...stored, ...over });

describe('decideUpsert', () => {
  const cases: [string, IncomingState, ExistingState | undefined, UpsertDecision][] = [
    ['rule 1: nothing stored → insert', r({}), undefined, 'insert'],
    ['rule 2: same content hash, another version → noop', r({ contentHash: 'sha256:aaa' }), stored, 'noop'],
    ['rule 2: the very same record replayed → noop', r({ version: '5', modifiedAt: '2025-03-05T10:00:00Z', contentHash: 'sha256:aaa' }), stored, 'noop'],
    ['rule 3: later modified_at → replace', r({}), stored, 'replace'],
    ['rule 3: stored has no modified_at, incoming has one → replace', r({}), s({ modifiedAt: null }), 'replace'],
    ['rule 3: later by microseconds only → replace', r({ modifiedAt: '2025-03-05T10:00:00.000001Z' }), stored, 'replace'],
    ['rule 4: earlier modified_at → stale', r({ modifiedAt: '2025-03-04T10:00:00Z' }), stored, 'stale'],
    ['rule 4: earlier even with a higher version → stale', r({ version: '99', modifiedAt: '2025-03-04T10:00:00Z' }), stored, 'stale'],
    ['rule 5: same modified_at, higher integer version → replace', r({ modifiedAt: '2025-03-05T10:00:00.000Z' }), stored, 'replace'],
    ['rule 5: same modified_at, lower integer version → stale', r({ version: '4', modifiedAt: '2025-03-05T10:00:00Z' }), stored, 'stale'],
    ['rule 5: both without modified_at, higher integer version → replace', r({ version: '10', modifiedAt: null }), s({ version: '9', modifiedAt: null }), 'replace'],
    ['rule 5: integers compared as numbers, not text ("9" < "10")', r({ version: '9', modifiedAt: null }), s({ version: '10', modifiedAt: null }), 'stale'],
    ['rule 5: both without modified_at, non-integer versions → conflict', r({ version: 'h:abc', modifiedAt: null }), s({ version: 'h:def', modifiedAt: null }), 'conflict'],
    ['rule 5: incoming without modified_at against a stored one, integer versions decide', r({ version: '6', modifiedAt: null }), stored, 'replace'],
    ['rule 5: incoming without modified_at, lower integer version → stale', r({ version: '4', modifiedAt: null }), stored, 'stale'],
    ['header: same version and mapping, other content → conflict', r({ version: '5' }), stored, 'conflict'],
    ['header: same version and mapping, other content, even when later → conflict', r({ version: '5', modifiedAt: '2026-01-01T00:00:00Z' }), stored, 'conflict'],
    ['header: same version, other mapping version → replace (re-mapping)', r({ version: '5', mappingVersion: 'm2' }), stored, 'replace'],
    ['header: same version, other mapping version, same content → replace', r({ version: '5', mappingVersion: 'm2', contentHash: 'sha256:aaa' }), stored, 'replace'],
    ['rule 6: tombstone for a stored row → remove', r({ deleted: true }), stored, 'remove'],
    ['rule 6: tombstone without modified_at → remove', r({ deleted: true, modifiedAt: null, version: 'V' }), stored, 'remove'],
    ['rule 6: tombstone for nothing stored → remove-missing', r({ deleted: true }), undefined, 'remove-missing'],
    ['rule 6 with rule 4: a tombstone older than the stored row → stale', r({ deleted: true, modifiedAt: '2025-03-01T00:00:00Z' }), stored, 'stale'],
    ['rule 6 with rule 5: a tombstone with a lower integer version → stale', r({ deleted: true, modifiedAt: null, version: '3' }), s({ modifiedAt: null }), 'stale'],
  ];

  it.each(cases)('%s', (_name, incoming, existing, expected) => {
    expect(decideUpsert(incoming, existing)).toBe(expected);
  });
});

describe('compareInstants', () => {
  it.each([
    ['2025-03-05T10:00:00Z', '2025-03-05T10:00:00.000000Z', 0],
    ['2025-03-05T10:00:00.5Z', '2025-03-05T10:00:00.499999Z', 1],
    ['2025-03-05T09:59:59.999Z', '2025-03-05T10:00:00Z', -1],
  ] as const)('orders %s against %s as %i', (a, b, expected) => {
    expect(compareInstants(a, b)).toBe(expected);
  });
});

describe('dedupeBatch', () => {
  type Item = { key: string; state: IncomingState; tag: string };
  const item = (key: string, tag: string, over: Partial<IncomingState>): Item => ({ key, tag, state: r(over) });
  const run = (items: Item[]) => {
    const out = dedupeBatch(items, (i) => i.key, (i) => i.state);
    return { kept: out.kept.map((i) => i.tag), superseded: out.superseded.map((i) => i.tag), conflicts: out.conflicts.map((i) => i.tag) };
  };

  it('keeps the newest version per key, whatever the order, in the order keys first appear', () => {
    expect(run([
      item('a', 'a-v2', { version: '2', modifiedAt: '2025-03-02T00:00:00Z', contentHash: 'h2' }),
      item('b', 'b-v1', { version: '1', contentHash: 'hb' }),
      item('a', 'a-v3', { version: '3', modifiedAt: '2025-03-03T00:00:00Z', contentHash: 'h3' }),
      item('a', 'a-v1', { version: '1', modifiedAt: '2025-03-01T00:00:00Z', contentHash: 'h1' }),
    ])).toEqual({ kept: ['a-v3', 'b-v1'], superseded: ['a-v2', 'a-v1'], conflicts: [] });
  });

  it('counts an exact duplicate as superseded', () => {
    expect(run([item('a', 'first', {}), item('a', 'again', {})])).toEqual({ kept: ['first'], superseded: ['again'], conflicts: [] });
  });

  it('lets a later tombstone win, and a later re-creation win over the tombstone', () => {
    expect(run([
      item('a', 'live', { version: '1', modifiedAt: '2025-03-01T00:00:00Z', contentHash: 'h1' }),
      item('a', 'deleted', { version: '2', modifiedAt: '2025-03-02T00:00:00Z', contentHash: 'h2', deleted: true }),
    ]).kept).toEqual(['deleted']);
    expect(run([
      item('a', 'deleted', { version: '2', modifiedAt: '2025-03-02T00:00:00Z', contentHash: 'h2', deleted: true }),
      item('a', 'recreated', { version: '3', modifiedAt: '2025-03-03T00:00:00Z', contentHash: 'h3' }),
    ]).kept).toEqual(['recreated']);
  });

  it('sets aside the second of two different contents under one version as a conflict', () => {
    expect(run([item('a', 'one', { version: '4', contentHash: 'x' }), item('a', 'other', { version: '4', contentHash: 'y' })]))
      .toEqual({ kept: ['one'], superseded: [], conflicts: ['other'] });
  });
});
