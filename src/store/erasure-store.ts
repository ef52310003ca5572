import { z } from 'zod';
import { contentHash } from '../stages/canonical-json.js';
import { trajectoryRecordSchema, type TrajectoryRecord } from '../trajectory/trajectory-record.js';
import type { SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, parseRows, textArrayColumn } from './sql-rows.js';
import type { ErasureReceipt, ListedErasureReceipt, PurposeRemoval } from './store.js';

/**
 * Taking one purpose out of a person's stored data: after a withdrawal of consent (erasure,
 * brief invariant 3) and when the purpose's retention period is over (purge). Also the erasure
 * receipts. Pseudonyms, codes and counts only; nothing erased is copied anywhere.
 */

const carriedRow = z.object({ person: z.string(), purposes: textArrayColumn });

/** Per person, the purposes of their non-consent rows, current and historic. */
export async function loadCarriedPurposes(q: SqlQueryable, persons: readonly string[]): Promise<Map<string, readonly string[]>> {
  if (persons.length === 0) return new Map();
  const rows = parseRows(carriedRow, await q.query(
    `SELECT person, array_agg(DISTINCT purpose ORDER BY purpose) AS purposes FROM (
       SELECT person, unnest(purposes) AS purpose FROM records WHERE person = ANY($1::text[]) AND record_kind <> 'consent'
       UNION ALL
       SELECT person, unnest(purposes) AS purpose FROM record_history WHERE person = ANY($1::text[]) AND record_kind <> 'consent'
     ) AS carried GROUP BY person`,
    [[...new Set(persons)]],
  ));
  return new Map(rows.map((row) => [row.person, row.purposes]));
}

const rowWithRecord = z.object({ partner_id: z.string(), record_key: z.string(), purposes: textArrayColumn, record: z.unknown() });
const historyWithRecord = rowWithRecord.extend({ id: intColumn });

/** The record without `purpose`, its content hash recomputed (the hash covers the purposes, §4). */
function withoutPurpose(stored: unknown, purpose: string): TrajectoryRecord {
  const { lineage, ...body } = trajectoryRecordSchema.parse(stored);
  const rest = { ...body, purposes: (body.purposes ?? []).filter((p) => p !== purpose) };
  return { ...rest, lineage: { ...lineage, content_hash: contentHash(rest) } };
}

const keyOf = (partnerId: string, recordKey: string): string => `${partnerId}\u0000${recordKey}`;

// The columns follow the rewritten record in the same statement, as in record-writes.ts.
const updateRows = `
UPDATE records r SET record = u.rec, content_hash = u.rec #>> '{lineage,content_hash}',
       purposes = ARRAY(SELECT jsonb_array_elements_text(u.rec -> 'purposes'))
  FROM (SELECT e ->> 'partner_id' AS partner_id, e ->> 'record_key' AS record_key, e -> 'rec' AS rec
          FROM jsonb_array_elements($1::jsonb) AS a(e)) AS u
 WHERE r.partner_id = u.partner_id AND r.record_key = u.record_key`;

const updateHistory = `
UPDATE record_history h SET record = u.rec, content_hash = u.rec #>> '{lineage,content_hash}',
       purposes = ARRAY(SELECT jsonb_array_elements_text(u.rec -> 'purposes'))
  FROM (SELECT (e ->> 'id')::bigint AS id, e -> 'rec' AS rec FROM jsonb_array_elements($1::jsonb) AS a(e)) AS u
 WHERE h.id = u.id`;

/**
 * See `StoreTx.removePurpose`. Rows are read `FOR UPDATE` after the consent log's head is locked:
 * every ingest takes the head before it writes record rows, so taking them in the other order
 * here could deadlock against a batch of another partner about the same person.
 */
export async function removePurpose(q: SqlQueryable, person: string, purpose: string, options: { readonly includeConsentRecords: boolean }): Promise<PurposeRemoval> {
  await q.query('SELECT seq FROM consent_log_head WHERE id = 1 FOR UPDATE');
  const skipKind = options.includeConsentRecords ? null : 'consent';
  const rows = parseRows(rowWithRecord, await q.query(
    `SELECT partner_id, record_key, purposes, record FROM records
      WHERE person = $1 AND $2 = ANY(purposes) AND ($3::text IS NULL OR record_kind <> $3)
      ORDER BY partner_id, record_key FOR UPDATE`,
    [person, purpose, skipKind],
  ));
  const emptied = rows.filter((row) => row.purposes.every((p) => p === purpose));
  const kept = rows.filter((row) => !emptied.includes(row));
  const gone = new Set(emptied.map((row) => keyOf(row.partner_id, row.record_key)));

  let historyRowsDeleted = 0;
  if (emptied.length > 0) {
    // A row gone for every purpose takes all its earlier versions with it (as a deletion, rule 6).
    const keys = [emptied.map((row) => row.partner_id), emptied.map((row) => row.record_key)];
    await q.query(
      `DELETE FROM records r USING unnest($1::text[], $2::text[]) AS t(partner_id, record_key)
        WHERE r.partner_id = t.partner_id AND r.record_key = t.record_key`,
      keys,
    );
    historyRowsDeleted += (await q.query(
      `DELETE FROM record_history h USING unnest($1::text[], $2::text[]) AS t(partner_id, record_key)
        WHERE h.partner_id = t.partner_id AND h.record_key = t.record_key RETURNING h.id`,
      keys,
    )).length;
  }
  if (kept.length > 0) {
    await q.query(updateRows, [JSON.stringify(kept.map((row) => ({ partner_id: row.partner_id, record_key: row.record_key, rec: withoutPurpose(row.record, purpose) })))]);
  }

  // Earlier versions of the rows that stay (and of rows whose current version no longer carries
  // the purpose) get the same treatment: the purpose must not survive in the history either.
  const history = parseRows(historyWithRecord, await q.query(
    `SELECT id, partner_id, record_key, purposes, record FROM record_history
      WHERE person = $1 AND $2 = ANY(purposes) AND ($3::text IS NULL OR record_kind <> $3)
      ORDER BY id FOR UPDATE`,
    [person, purpose, skipKind],
  )).filter((row) => !gone.has(keyOf(row.partner_id, row.record_key)));
  const historyEmptied = history.filter((row) => row.purposes.every((p) => p === purpose));
  const historyKept = history.filter((row) => !historyEmptied.includes(row));
  if (historyEmptied.length > 0) {
    await q.query('DELETE FROM record_history WHERE id = ANY($1::bigint[])', [historyEmptied.map((row) => row.id)]);
    historyRowsDeleted += historyEmptied.length;
  }
  if (historyKept.length > 0) {
    await q.query(updateHistory, [JSON.stringify(historyKept.map((row) => ({ id: row.id, rec: withoutPurpose(row.record, purpose) })))]);
  }
  return { rowsUpdated: kept.length, rowsDeleted: emptied.length, historyRowsUpdated: historyKept.length, historyRowsDeleted };
}

// A row's reference date for retention (docs/privacy/erasure-and-retention.md): the end of what it
// describes, else the Amsterdam date of its last version. ISO dates compare as text.
const referenceDate = `coalesce(
  CASE record_kind
    WHEN 'trajectory' THEN record #>> '{trajectory,end_date}'
    WHEN 'employment' THEN record #>> '{employment,end_date}'
    WHEN 'benefit' THEN record #>> '{benefit,end_date}'
    WHEN 'referral' THEN CASE WHEN record #>> '{referral,status}' <> 'open'
                              THEN coalesce(record #>> '{referral,status_date}', record #>> '{referral,referral_date}') END
    WHEN 'consent' THEN coalesce(record #>> '{consent,withdrawn_date}', record #>> '{consent,valid_until}')
  END,
  to_char(coalesce(modified_at, ingested_at) AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD'))`;

// A row that describes something still running: a started trajectory without an end, a job or a
// benefit without an end, an open referral. Its person is never due: the data is still live,
// however long ago its last version arrived (a job that lasts years without a change at the source).
const openRow = `CASE record_kind
    WHEN 'trajectory' THEN record #>> '{trajectory,start_date}' IS NOT NULL AND record #>> '{trajectory,end_date}' IS NULL
    WHEN 'employment' THEN record #>> '{employment,end_date}' IS NULL
    WHEN 'benefit' THEN record #>> '{benefit,end_date}' IS NULL
    WHEN 'referral' THEN record #>> '{referral,status}' = 'open'
    ELSE false
  END`;

const personRow = z.object({ person: z.string() });

/**
 * Persons due for the purge of `purpose`: the latest reference date of their rows carrying it
 * (data rows; consent records only for a person who has nothing else) is on or before `cutoff`,
 * and none of those rows describes something still running.
 */
export async function loadRetentionDue(q: SqlQueryable, purpose: string, cutoff: string, limit: number): Promise<string[]> {
  const rows = parseRows(personRow, await q.query(
    `SELECT person FROM (
       SELECT person, coalesce(max(${referenceDate}) FILTER (WHERE record_kind <> 'consent'), max(${referenceDate})) AS reference,
              bool_or(${openRow}) AS still_open
         FROM records WHERE $1 = ANY(purposes) AND person IS NOT NULL GROUP BY person
     ) AS per_person
      WHERE reference <= $2 AND NOT still_open ORDER BY person LIMIT $3`,
    [purpose, cutoff, limit],
  ));
  return rows.map((row) => row.person);
}

export async function saveErasureReceipts(q: SqlQueryable, receipts: readonly ErasureReceipt[]): Promise<void> {
  if (receipts.length === 0) return;
  await q.query(
    `INSERT INTO erasure_receipts (receipt_id, person, purpose, partner_id, consent_ref, rule, withdrawal_rule, rows_updated, rows_deleted,
                                   history_rows_updated, history_rows_deleted, pending_deleted, log_seq, log_hash, run_id, batch_id, erased_at)
     SELECT e ->> 'receiptId', e ->> 'person', e ->> 'purpose', e ->> 'partnerId', e ->> 'consentRef', e ->> 'rule', e ->> 'withdrawalRule',
            (e ->> 'rowsUpdated')::int, (e ->> 'rowsDeleted')::int, (e ->> 'historyRowsUpdated')::int, (e ->> 'historyRowsDeleted')::int,
            (e ->> 'pendingDeleted')::int, (e ->> 'logSeq')::bigint, e ->> 'logHash', e ->> 'runId', e ->> 'batchId', (e ->> 'at')::timestamptz
       FROM jsonb_array_elements($1::jsonb) AS a(e)`,
    [JSON.stringify(receipts)],
  );
}

const receiptRow = z.object({
  receipt_id: z.string(), person: z.string(), purpose: z.string(), partner_id: z.string(), consent_ref: z.string().nullable(),
  rule: z.string(), withdrawal_rule: z.string(), rows_updated: intColumn, rows_deleted: intColumn, history_rows_updated: intColumn,
  history_rows_deleted: intColumn, pending_deleted: intColumn, log_seq: intColumn, log_hash: z.string(), run_id: z.string().nullable(),
  batch_id: z.string().nullable(), erased_at: instantColumn, entry_hash: z.string().nullable(), entry: z.unknown(),
});

const loggedErasure = z.object({
  kind: z.literal('erasure'),
  person: z.string(),
  purposes: z.array(z.object({ purpose: z.string(), rule: z.string() })).length(1),
  detail: z.object({
    withdrawalRule: z.string(), rowsUpdated: z.number(), rowsDeleted: z.number(), historyRowsUpdated: z.number(),
    historyRowsDeleted: z.number(), pendingDeleted: z.number(),
  }),
});

function matchesLog(receipt: ErasureReceipt, entryHash: string | null, entry: unknown): boolean {
  const logged = loggedErasure.safeParse(entry);
  if (entryHash !== receipt.logHash || !logged.success) return false;
  const { person, purposes: [said], detail } = logged.data;
  return person === receipt.person && said?.purpose === receipt.purpose && said.rule === receipt.rule
    && detail.withdrawalRule === receipt.withdrawalRule && detail.rowsUpdated === receipt.rowsUpdated
    && detail.rowsDeleted === receipt.rowsDeleted && detail.historyRowsUpdated === receipt.historyRowsUpdated
    && detail.historyRowsDeleted === receipt.historyRowsDeleted && detail.pendingDeleted === receipt.pendingDeleted;
}

/** Receipts of a period with the consent-log entry each names, compared field by field. */
export async function listErasureReceipts(q: SqlQueryable, filter: { from?: string; to?: string; limit?: number }): Promise<ListedErasureReceipt[]> {
  const rows = parseRows(receiptRow, await q.query(
    `SELECT r.*, c.hash AS entry_hash, c.content AS entry
       FROM erasure_receipts r LEFT JOIN consent_log c ON c.seq = r.log_seq
      WHERE ($1::timestamptz IS NULL OR r.erased_at >= $1) AND ($2::timestamptz IS NULL OR r.erased_at < $2)
      ORDER BY r.erased_at, r.log_seq LIMIT $3`,
    [filter.from ?? null, filter.to ?? null, filter.limit ?? 10_000],
  ));
  return rows.map((row) => {
    const receipt: ErasureReceipt = {
      receiptId: row.receipt_id, person: row.person, purpose: row.purpose, partnerId: row.partner_id, consentRef: row.consent_ref,
      rule: row.rule, withdrawalRule: row.withdrawal_rule, rowsUpdated: row.rows_updated, rowsDeleted: row.rows_deleted,
      historyRowsUpdated: row.history_rows_updated, historyRowsDeleted: row.history_rows_deleted, pendingDeleted: row.pending_deleted,
      logSeq: row.log_seq, logHash: row.log_hash, runId: row.run_id, batchId: row.batch_id, at: row.erased_at,
    };
    return { ...receipt, matchesLog: matchesLog(receipt, row.entry_hash, row.entry) };
  });
}
