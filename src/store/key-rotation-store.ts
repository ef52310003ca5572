import { z } from 'zod';
import { contentHash } from '../stages/canonical-json.js';
import { draftHash } from '../trajectory/draft-hash.js';
import type { SqlQueryable } from './sql-client.js';
import { intColumn, parseRows } from './sql-rows.js';
import type { PersonRelink, RelinkCounts, KeyIdCount } from './store.js';

/**
 * Key rotation in the store (`docs/privacy/key-rotation.md`): a person's stored rows move from
 * the pseudonym under the old key to the one under the new key, in every table that holds a
 * person, inside the caller's transaction. Pseudonyms in, pseudonyms out; no BSN ever reaches
 * this module. The consent log is not touched: it is append-only, its old entries keep the old
 * pseudonym, and the caller appends one `relink` entry per person that bridges the two.
 *
 * A stored record names its person inside the JSON too, and two hashes cover that JSON, so both
 * are recomputed: `draft_hash`, because the next delivery of the same source version (now under
 * the new pseudonym) is compared by it, and an old hash would make it a version conflict;
 * `lineage.content_hash` (and the `content_hash` column), because it promises to be the hash of
 * the stored body, which now names the new pseudonym. Nothing outside the row refers to either
 * hash: consent-log entries name the record reference, not its hash, so no chain or proof breaks.
 * Everything else in the lineage (when, which batch, which consent decision) stays as it was.
 */

const relinkableRow = z.object({ person: z.string() });

// Tables with a person column that are rewritten. The logs (consent_log, access_log) are not:
// they are append-only and keep what was true when they were written. Nor are the erasure
// receipts: each repeats its consent-log entry, which `privacy erasures` checks it against, so
// they are proofs like the log; the `relink` entry leads from the new pseudonym to them.
const personTables = ['records', 'record_history', 'pending', 'consent_state', 'record_removals'] as const;

/** The previous pseudonyms among `previous` that still have rows anywhere. */
async function stillHeld(q: SqlQueryable, previous: readonly string[]): Promise<Set<string>> {
  const union = personTables.map((table) => `SELECT person FROM ${table} WHERE person = ANY($1::text[])`).join(' UNION ');
  const rows = parseRows(relinkableRow, await q.query(union, [[...previous]]));
  return new Set(rows.map((row) => row.person));
}

const recordRow = z.object({ partner_id: z.string(), record_key: z.string(), person: z.string(), record: z.record(z.string(), z.unknown()) });
const historyRow = z.object({ id: intColumn, person: z.string(), record: z.record(z.string(), z.unknown()) });
const personCount = z.object({ person: z.string(), n: intColumn });

/** The record JSON with the new person, and its hashes recomputed (see the module comment). */
function relinked(record: Readonly<Record<string, unknown>>, person: string): { record: Record<string, unknown>; contentHash: string; draftHash: string } {
  const { person_previous: _dropped, lineage, ...rest } = record;
  const body = { ...rest, person };
  const hash = contentHash(body);
  const lineageObject = typeof lineage === 'object' && lineage !== null ? lineage : {};
  const next = { ...body, lineage: { ...lineageObject, content_hash: hash } };
  return { record: next, contentHash: hash, draftHash: draftHash(next as Parameters<typeof draftHash>[0]) };
}

async function relinkRecords(q: SqlQueryable, newOf: ReadonlyMap<string, string>): Promise<Map<string, number>> {
  const rows = parseRows(recordRow, await q.query(
    'SELECT partner_id, record_key, person, record FROM records WHERE person = ANY($1::text[]) ORDER BY partner_id, record_key FOR UPDATE',
    [[...newOf.keys()]],
  ));
  const counted = new Map<string, number>();
  if (rows.length === 0) return counted;
  const items = rows.map((row) => {
    const person = newOf.get(row.person) ?? row.person;
    counted.set(person, (counted.get(person) ?? 0) + 1);
    const next = relinked(row.record, person);
    return { partner_id: row.partner_id, record_key: row.record_key, person, rec: next.record, content_hash: next.contentHash, draft_hash: next.draftHash };
  });
  await q.query(
    `UPDATE records r SET person = i ->> 'person', record = i -> 'rec', content_hash = i ->> 'content_hash', draft_hash = i ->> 'draft_hash'
       FROM jsonb_array_elements($1::jsonb) AS e(i)
      WHERE r.partner_id = i ->> 'partner_id' AND r.record_key = i ->> 'record_key'`,
    [JSON.stringify(items)],
  );
  return counted;
}

async function relinkHistory(q: SqlQueryable, newOf: ReadonlyMap<string, string>): Promise<Map<string, number>> {
  const rows = parseRows(historyRow, await q.query(
    'SELECT id, person, record FROM record_history WHERE person = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [[...newOf.keys()]],
  ));
  const counted = new Map<string, number>();
  if (rows.length === 0) return counted;
  const items = rows.map((row) => {
    const person = newOf.get(row.person) ?? row.person;
    counted.set(person, (counted.get(person) ?? 0) + 1);
    const next = relinked(row.record, person);
    return { id: row.id, person, rec: next.record, content_hash: next.contentHash };
  });
  await q.query(
    `UPDATE record_history h SET person = i ->> 'person', record = i -> 'rec', content_hash = i ->> 'content_hash'
       FROM jsonb_array_elements($1::jsonb) AS e(i)
      WHERE h.id = (i ->> 'id')::bigint`,
    [JSON.stringify(items)],
  );
  return counted;
}

/** One UPDATE over (previous, new) pairs; `set` may use `t.person` (new) and must set `person`. */
async function relinkColumn(q: SqlQueryable, table: string, set: string, pairs: readonly PersonRelink[]): Promise<Map<string, number>> {
  const rows = parseRows(personCount, await q.query(
    `WITH changed AS (
       UPDATE ${table} x SET ${set}
         FROM unnest($1::text[], $2::text[]) AS t(previous, person)
        WHERE x.person = t.previous
       RETURNING t.person
     )
     SELECT person, count(*) AS n FROM changed GROUP BY person`,
    [pairs.map((p) => p.previous), pairs.map((p) => p.person)],
  ));
  return new Map(rows.map((row) => [row.person, row.n]));
}

/**
 * Moves every row of each `previous` pseudonym to its `person` (the new one). Returns the counts
 * per new pseudonym, only for persons that had rows: a pair whose old pseudonym holds nothing
 * (already relinked, or never stored) is no relink. Takes the consent log's head lock first, the
 * lock every ingest transaction takes when it appends, so relinking batches queue in one order
 * and cannot deadlock on each other's person rows.
 */
export async function relinkPersons(q: SqlQueryable, pairs: readonly PersonRelink[]): Promise<ReadonlyMap<string, RelinkCounts>> {
  const usable = [...new Map(pairs.filter((p) => p.previous !== p.person).map((p) => [p.previous, p])).values()];
  if (usable.length === 0) return new Map();
  const held = await stillHeld(q, usable.map((p) => p.previous));
  const todo = usable.filter((p) => held.has(p.previous));
  if (todo.length === 0) return new Map();
  await q.query('SELECT seq FROM consent_log_head WHERE id = 1 FOR UPDATE');
  const newOf = new Map(todo.map((p) => [p.previous, p.person]));
  const records = await relinkRecords(q, newOf);
  const history = await relinkHistory(q, newOf);
  const pending = await relinkColumn(q, 'pending', `person = t.person, draft = jsonb_set(x.draft - 'person_previous', '{person}', to_jsonb(t.person)), updated_at = now()`, todo);
  const consentDocuments = await relinkColumn(q, 'consent_state', `person = t.person, document = jsonb_set(x.document, '{person}', to_jsonb(t.person)), updated_at = now()`, todo);
  const removals = await relinkColumn(q, 'record_removals', 'person = t.person', todo);
  const result = new Map<string, RelinkCounts>();
  for (const { person } of todo) {
    const counts: RelinkCounts = {
      records: records.get(person) ?? 0,
      history: history.get(person) ?? 0,
      pending: pending.get(person) ?? 0,
      consentDocuments: consentDocuments.get(person) ?? 0,
      removals: removals.get(person) ?? 0,
    };
    if (Object.values(counts).some((n) => n > 0)) result.set(person, counts);
  }
  return result;
}

const keyIdRow = z.object({ key_id: z.string(), persons: intColumn });

/**
 * Distinct stored persons per key id (the `<keyid>` of `ps1:<keyid>:…`), over every table that is
 * relinked: what `werkbrug privacy rotation status` shows. Counts only.
 */
export async function personsByKeyId(q: SqlQueryable): Promise<readonly KeyIdCount[]> {
  const union = personTables.map((table) => `SELECT person FROM ${table} WHERE person IS NOT NULL`).join(' UNION ');
  const rows = parseRows(keyIdRow, await q.query(
    `SELECT split_part(person, ':', 2) AS key_id, count(*) AS persons FROM (${union}) AS p GROUP BY 1 ORDER BY 1`,
  ));
  return rows.map((row) => ({ keyId: row.key_id, persons: row.persons }));
}
