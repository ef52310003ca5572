import { z } from 'zod';
import { consentLogContentSchema } from './consent-log-store.js';
import type { SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, jsonObjectColumn, parseRows } from './sql-rows.js';
import type { ConsentLogEntry, PersonData, PersonStoredRow } from './store.js';

/**
 * Everything the store holds about one person, for an access request (AVG art. 15): stored
 * records and their replaced versions, removals, consent documents, pending records, consent-log
 * entries and erasure receipts. Looked up by pseudonym only; the BSN never reaches the store.
 *
 * A key rotation relinks a person under a new pseudonym with a `relink` consent-log entry
 * (`person` = new, `detail.previous` = old). Entries written before the rotation carry the old
 * pseudonym, so the pseudonyms are first followed through those entries both ways.
 */

const pseudonymRow = z.object({ person: z.string().nullable(), previous: z.string().nullable() });

// Relink chains are short (one step per rotation), so a few rounds reach the fixed point.
const maxRelinkRounds = 16;

/** `persons` and every pseudonym linked to them by `relink` entries, sorted. */
export async function linkedPseudonyms(q: SqlQueryable, persons: readonly string[]): Promise<string[]> {
  const known = new Set(persons);
  for (let round = 0; round < maxRelinkRounds; round += 1) {
    const rows = parseRows(pseudonymRow, await q.query(
      `SELECT content ->> 'person' AS person, content -> 'detail' ->> 'previous' AS previous FROM consent_log
        WHERE content ->> 'kind' = 'relink'
          AND (content ->> 'person' = ANY($1::text[]) OR content -> 'detail' ->> 'previous' = ANY($1::text[]))`,
      [[...known]],
    ));
    const before = known.size;
    for (const row of rows) {
      if (row.person !== null) known.add(row.person);
      if (row.previous !== null) known.add(row.previous);
    }
    if (known.size === before) break;
  }
  return [...known].sort();
}

const storedRow = z.object({
  partner_id: z.string(),
  record_key: z.string(),
  record_ref: z.string(),
  record_kind: z.string(),
  person: z.string().nullable(),
  version: z.string(),
  purposes: z.array(z.string()),
  record: jsonObjectColumn,
  ingested_at: instantColumn,
  replaced_at: instantColumn.optional(),
});

function toStoredRow(row: z.infer<typeof storedRow>): PersonStoredRow {
  return {
    partnerId: row.partner_id, recordKey: row.record_key, recordRef: row.record_ref, recordKind: row.record_kind,
    person: row.person ?? '', version: row.version, purposes: row.purposes, record: row.record, ingestedAt: row.ingested_at,
    ...(row.replaced_at === undefined ? {} : { replacedAt: row.replaced_at }),
  };
}

const storedColumns = 'partner_id, record_key, record_ref, record_kind, person, version, purposes, record, ingested_at';
const entryRow = z.object({ seq: intColumn, prev_hash: z.string(), hash: z.string(), content: z.unknown() });
const jsonRow = z.object({ row: jsonObjectColumn });
const existsRow = z.object({ present: z.boolean() });

async function tableHasPerson(q: SqlQueryable, table: string): Promise<boolean> {
  const [row] = parseRows(existsRow, await q.query(
    `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'person') AS present`,
    [table],
  ));
  return row?.present ?? false;
}

/**
 * Rows of a table of another part of werkbrug (erasure receipts) about these persons, when that
 * table exists and has a `person` column; as its own JSON, whatever its other columns are.
 */
async function rowsAboutPersons(q: SqlQueryable, table: 'erasure_receipts', persons: readonly string[]): Promise<Record<string, unknown>[]> {
  if (!(await tableHasPerson(q, table))) return [];
  const rows = parseRows(jsonRow, await q.query(`SELECT row_to_json(t) AS row FROM ${table} t WHERE t.person = ANY($1::text[])`, [[...persons]]));
  return rows.map((r) => r.row);
}

/** Everything stored about `persons` (already expanded through relinks). Run it in one snapshot. */
export async function readPersonData(q: SqlQueryable, persons: readonly string[]): Promise<PersonData> {
  const list = [...persons];
  const records = parseRows(storedRow, await q.query(
    `SELECT ${storedColumns} FROM records WHERE person = ANY($1::text[]) ORDER BY partner_id, record_key`, [list],
  ));
  const history = parseRows(storedRow, await q.query(
    `SELECT ${storedColumns}, replaced_at FROM record_history WHERE person = ANY($1::text[]) ORDER BY partner_id, record_key, id`, [list],
  ));
  const removals = parseRows(jsonRow, await q.query(
    `SELECT row_to_json(t) AS row FROM record_removals t WHERE person = ANY($1::text[]) ORDER BY partner_id, record_key, id`, [list],
  ));
  const consentDocuments = parseRows(jsonRow, await q.query(
    `SELECT json_build_object('consentKey', consent_key, 'consentRef', consent_ref, 'version', version, 'person', person, 'status', status,
                              'deletedAt', deleted_at, 'updatedAt', updated_at, 'document', document) AS row
       FROM consent_state WHERE person = ANY($1::text[]) ORDER BY consent_key`, [list],
  ));
  const pending = parseRows(jsonRow, await q.query(
    `SELECT json_build_object('partnerId', partner_id, 'recordKey', record_key, 'stream', stream, 'person', person,
                              'waitingSince', waiting_since, 'runId', run_id, 'draft', draft) AS row
       FROM pending WHERE person = ANY($1::text[]) ORDER BY partner_id, record_key`, [list],
  ));
  const entries = parseRows(entryRow, await q.query(
    `SELECT seq, prev_hash, hash, content FROM consent_log
      WHERE content ->> 'person' = ANY($1::text[]) OR content -> 'detail' ->> 'previous' = ANY($1::text[])
      ORDER BY seq`, [list],
  ));
  const consentLog: ConsentLogEntry[] = entries.map((row) => ({
    seq: row.seq, prevHash: row.prev_hash, hash: row.hash, content: consentLogContentSchema.parse(row.content),
  }));
  return {
    persons: list,
    records: records.map(toStoredRow),
    history: history.map(toStoredRow),
    removals: removals.map((r) => r.row),
    consentDocuments: consentDocuments.map((r) => r.row),
    pending: pending.map((r) => r.row),
    consentLog,
    erasureReceipts: await rowsAboutPersons(q, 'erasure_receipts', list),
  };
}
