import { z } from 'zod';
import type { VerifiableEntry } from '../consent/consent-log-chain.js';
import { trajectoryRecordSchema, type TrajectoryRecord } from '../trajectory/trajectory-record.js';
import type { SqlQueryable } from './sql-client.js';
import { intColumn, parseFirst, parseRows } from './sql-rows.js';

/**
 * The reads behind checkpoints and proofs (`src/consent/checkpoint*.ts`, `consent prove`,
 * `consent explain`). Entries come back with their content unparsed, as stored: a proof must carry
 * exactly the bytes that were hashed, and a tampered entry must still be shown, not refused.
 */

const hashRow = z.object({ seq: intColumn, hash: z.string() });
const entryRow = z.object({ seq: intColumn, prev_hash: z.string(), hash: z.string(), content: z.unknown() });
const recordRow = z.object({ record: z.unknown() });

const toEntry = (row: z.infer<typeof entryRow>): VerifiableEntry => ({ seq: row.seq, prevHash: row.prev_hash, hash: row.hash, content: row.content });

/** Seq and hash of the entries from `fromSeq` (default 1), at most `limit` (default 10 000): the Merkle tree's leaves. */
export async function readConsentLogHashes(q: SqlQueryable, range: { fromSeq?: number; limit?: number }): Promise<{ seq: number; hash: string }[]> {
  return parseRows(hashRow, await q.query(
    'SELECT seq, hash FROM consent_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
    [range.fromSeq ?? 1, range.limit ?? 10_000],
  ));
}

/** The entry with this `cl1` hash (64 hex, without the prefix); `hash` is unique and indexed. */
export async function consentLogEntryByHash(q: SqlQueryable, hash: string): Promise<VerifiableEntry | undefined> {
  const row = parseFirst(entryRow, await q.query('SELECT seq, prev_hash, hash, content FROM consent_log WHERE hash = $1', [hash]));
  return row === undefined ? undefined : toEntry(row);
}

// A record_ref is its record_key plus a version part after a '/' (trajectory format §4), so
// the entries about one record are those whose recordRef is the key or starts with key + '/'.
// Entries about the person that touch every record of theirs (erasure, retention purge, relink)
// carry no recordRef and are added by person.
const aboutStatement = `
SELECT seq, prev_hash, hash, content FROM consent_log
 WHERE content ->> 'recordRef' = $1
    OR starts_with(content ->> 'recordRef', $1 || '/')
    OR ($2::text IS NOT NULL AND content ->> 'person' = $2::text AND content ->> 'kind' <> 'decision')
 ORDER BY seq LIMIT 10000`;

/** Every entry about the record with `recordKey`, and the erasures, purges and relinks of `person`, in seq order. */
export async function consentLogAboutRecord(q: SqlQueryable, recordKey: string, person: string | null): Promise<VerifiableEntry[]> {
  return parseRows(entryRow, await q.query(aboutStatement, [recordKey, person])).map(toEntry);
}

/** The stored record with this `record_ref`, or this `record_key` (which starts with the partner id). */
export async function findRecordByRef(q: SqlQueryable, ref: string): Promise<TrajectoryRecord | undefined> {
  // Both forms start with `<partner_id>:`, which keeps the lookup on the primary key's partner column.
  const partnerId = ref.slice(0, Math.max(0, ref.indexOf(':')));
  const row = parseFirst(recordRow, await q.query(
    'SELECT record FROM records WHERE partner_id = $1 AND (record_key = $2 OR record_ref = $2) LIMIT 1',
    [partnerId, ref],
  ));
  return row === undefined ? undefined : trajectoryRecordSchema.parse(row.record);
}
