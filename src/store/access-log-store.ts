import { z } from 'zod';
import { entryHash, verifyChain, type ChainHead, type VerifiableEntry } from '../consent/consent-log-chain.js';
import type { SqlQueryable } from './sql-client.js';
import { intColumn, parseFirst, parseRows } from './sql-rows.js';
import type { AccessLogContent, AccessLogEntry, AccessLogFilter, ChainVerification } from './store.js';

/**
 * The access log (NEN 7513) in the store: append under the head's row lock, list by period, verify.
 * The chain is the consent log's `cl1` construction (`entryHash`, `verifyChain`) over a chain of
 * its own, so the two logs can be checked apart and a privacy officer's script serves both.
 */

/** AccessLogContent as stored: pseudonyms, codes, references and counts only. */
export const accessLogContentSchema = z.strictObject({
  event: z.string().min(1).max(64),
  at: z.string().datetime({ offset: true }),
  person: z.string().nullable(),
  user: z.string().min(1).max(200),
  onBehalfOf: z.string().max(200).nullable(),
  authorisation: z.string().max(200).nullable(),
  detail: z.record(z.string(), z.union([z.string().max(500), z.number()])).optional(),
});

const headRow = z.object({ seq: intColumn, hash: z.string() });
const entryRow = z.object({ seq: intColumn, prev_hash: z.string(), hash: z.string(), content: z.unknown() });

async function readHead(q: SqlQueryable, statement: string): Promise<ChainHead> {
  const head = parseFirst(headRow, await q.query(statement));
  if (head === undefined) throw new Error('access_log_head has no row: the access-log migration did not run');
  return head;
}

/**
 * Appends one entry after the head. Call it inside a transaction: the head stays locked until it
 * ends, so concurrent commands queue and each continues the chain the previous one committed.
 */
export async function appendAccessLog(q: SqlQueryable, content: AccessLogContent): Promise<AccessLogEntry> {
  const checked = accessLogContentSchema.parse(content);
  const head = await readHead(q, 'SELECT seq, hash FROM access_log_head WHERE id = 1 FOR UPDATE');
  const seq = head.seq + 1;
  const hash = entryHash(head.hash, seq, checked);
  if (hash === undefined) throw new Error('access-log content is not an object');
  await q.query('INSERT INTO access_log (seq, prev_hash, hash, content, at) VALUES ($1, $2, $3, $4::jsonb, $5::timestamptz)', [
    seq, head.hash, hash, JSON.stringify(checked), checked.at,
  ]);
  await q.query('UPDATE access_log_head SET seq = $1, hash = $2, updated_at = now() WHERE id = 1', [seq, hash]);
  return { seq, prevHash: head.hash, hash, content: checked };
}

/** Entries in seq order matching `filter`; the period is on the indexed `at` column. */
export async function readAccessLog(q: SqlQueryable, filter: AccessLogFilter): Promise<AccessLogEntry[]> {
  const rows = parseRows(entryRow, await q.query(
    `SELECT seq, prev_hash, hash, content FROM access_log
      WHERE seq > $1
        AND ($2::timestamptz IS NULL OR at >= $2::timestamptz)
        AND ($3::timestamptz IS NULL OR at < $3::timestamptz)
        AND ($4::text IS NULL OR content ->> 'person' = $4::text)
      ORDER BY seq LIMIT $5`,
    [filter.afterSeq ?? 0, filter.from ?? null, filter.to ?? null, filter.person ?? null, filter.limit ?? 1000],
  ));
  return rows.map((row) => ({ seq: row.seq, prevHash: row.prev_hash, hash: row.hash, content: accessLogContentSchema.parse(row.content) }));
}

const pageSize = 5000;

/** Every entry in seq order, a page at a time; content is passed on unparsed, tampered or not. */
async function* walk(q: SqlQueryable): AsyncGenerator<VerifiableEntry> {
  let after = 0;
  for (;;) {
    const rows = parseRows(entryRow, await q.query(
      'SELECT seq, prev_hash, hash, content FROM access_log WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, pageSize],
    ));
    for (const row of rows) yield { seq: row.seq, prevHash: row.prev_hash, hash: row.hash, content: row.content };
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < pageSize) return;
    after = last.seq;
  }
}

/** Verifies the whole access log against its head; run it in one REPEATABLE READ snapshot. */
export async function verifyAccessLog(q: SqlQueryable): Promise<ChainVerification> {
  const head = await readHead(q, 'SELECT seq, hash FROM access_log_head WHERE id = 1');
  return verifyChain(walk(q), head);
}
