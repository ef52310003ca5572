import { z } from 'zod';
import { chainEntries, verifyChain, type ChainHead, type VerifiableEntry } from '../consent/consent-log-chain.js';
import type { SqlQueryable } from './sql-client.js';
import { intColumn, parseFirst, parseRows } from './sql-rows.js';
import type { ChainVerification, ConsentLogContent, ConsentLogEntry } from './store.js';

/**
 * The consent log in the store: append under the head's row lock, read in seq order, verify.
 * The chain itself (hashing, what verify reports) is `src/consent/consent-log-chain.ts`.
 */

const purposeOutcome = z.strictObject({
  purpose: z.string(),
  outcome: z.enum(['permit', 'pending', 'refuse']),
  rule: z.string(),
  reason: z.string().optional(),
  consentRef: z.string().optional(),
});

/** ConsentLogContent as stored: codes, references and pseudonyms only. */
export const consentLogContentSchema = z.strictObject({
  kind: z.enum(['decision', 'erasure', 'refusal-after-wait', 'relink', 'retention-purge']),
  at: z.string(),
  partnerId: z.string(),
  person: z.string().nullable(),
  recordRef: z.string().nullable(),
  outcome: z.enum(['permit', 'pending', 'refuse', 'erase', 'relink']),
  purposes: z.array(purposeOutcome),
  runId: z.string().nullable(),
  batchId: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

const headRow = z.object({ seq: intColumn, hash: z.string() });
const entryRow = z.object({ seq: intColumn, prev_hash: z.string(), hash: z.string(), content: z.unknown() });

// The head row stays locked until the batch transaction ends: concurrent appenders queue here and
// each continues the chain from the head the previous one committed.
const lockHead = 'SELECT seq, hash FROM consent_log_head WHERE id = 1 FOR UPDATE';

// Entries and the new head in ONE statement (PERFORMANCE.md: the chain serialises writers, so
// one round trip per batch, not per decision). The entries travel as one jsonb array, like the
// records (`record-writes.ts`).
const appendStatement = `
WITH appended AS (
  INSERT INTO consent_log (seq, prev_hash, hash, content)
  SELECT (e ->> 'seq')::bigint, e ->> 'prevHash', e ->> 'hash', e -> 'content' FROM jsonb_array_elements($1::jsonb) AS a(e)
  RETURNING seq
)
UPDATE consent_log_head SET seq = $2, hash = $3, updated_at = now() WHERE id = 1`;

async function readHead(q: SqlQueryable, statement: string): Promise<ChainHead> {
  const head = parseFirst(headRow, await q.query(statement));
  if (head === undefined) throw new Error('consent_log_head has no row: the consent-log migration did not run');
  return head;
}

/** Appends `contents` as one chained batch and returns the entries in the order given. */
export async function appendConsentLog(q: SqlQueryable, contents: readonly ConsentLogContent[]): Promise<ConsentLogEntry[]> {
  if (contents.length === 0) return [];
  const checked = contents.map((content) => consentLogContentSchema.parse(content));
  const entries = chainEntries(await readHead(q, lockHead), checked);
  const last = entries[entries.length - 1];
  if (last === undefined) return [];
  await q.query(appendStatement, [JSON.stringify(entries), last.seq, last.hash]);
  return entries;
}

/** Entries from `fromSeq` (default 1) in seq order, at most `limit` (default 1000). */
export async function readConsentLog(q: SqlQueryable, range: { fromSeq?: number; limit?: number }): Promise<ConsentLogEntry[]> {
  const rows = parseRows(entryRow, await q.query(
    'SELECT seq, prev_hash, hash, content FROM consent_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
    [range.fromSeq ?? 1, range.limit ?? 1000],
  ));
  return rows.map((row) => ({ seq: row.seq, prevHash: row.prev_hash, hash: row.hash, content: consentLogContentSchema.parse(row.content) }));
}

const pageSize = 5000;

/** Every entry in seq order, a page at a time; content is passed on unparsed, tampered or not. */
async function* walk(q: SqlQueryable): AsyncGenerator<VerifiableEntry> {
  let after = 0;
  for (;;) {
    const rows = parseRows(entryRow, await q.query(
      'SELECT seq, prev_hash, hash, content FROM consent_log WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, pageSize],
    ));
    for (const row of rows) yield { seq: row.seq, prevHash: row.prev_hash, hash: row.hash, content: row.content };
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < pageSize) return;
    after = last.seq;
  }
}

/**
 * Verifies the whole chain against the head. Run it inside a REPEATABLE READ transaction so that
 * appends committed while it walks are all outside its snapshot (see `SqlStore.verifyConsentLog`).
 */
export async function verifyConsentLog(q: SqlQueryable): Promise<ChainVerification> {
  const head = await readHead(q, 'SELECT seq, hash FROM consent_log_head WHERE id = 1');
  return verifyChain(walk(q), head);
}
