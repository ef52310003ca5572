import { z } from 'zod';
import { consentLogContentSchema } from './consent-log-store.js';
import type { SqlQueryable } from './sql-client.js';
import { intColumn, parseRows } from './sql-rows.js';
import type { ConsentLogEntry, ConsentLogQuery } from './store.js';

/**
 * The consent log by period for a privacy officer (`werkbrug consent log`): one page at a time in
 * seq order, so a log of millions of entries is listed in bounded memory. The caller passes the
 * last seq of a page as `afterSeq` for the next (keyset paging: each page starts where the
 * previous one ended on the primary key, never an OFFSET that rescans).
 *
 * The period is on the entry's own time (`content.at`, when werkbrug decided), cast to a
 * timestamp in SQL so any ISO-8601 offset compares correctly; filters on outcome and partner run
 * in SQL too, so only matching entries travel.
 */

const entryRow = z.object({ seq: intColumn, prev_hash: z.string(), hash: z.string(), content: z.unknown() });

const queryStatement = `
SELECT seq, prev_hash, hash, content FROM consent_log
 WHERE seq > $1
   AND ($2::timestamptz IS NULL OR (content ->> 'at')::timestamptz >= $2::timestamptz)
   AND ($3::timestamptz IS NULL OR (content ->> 'at')::timestamptz < $3::timestamptz)
   AND ($4::text IS NULL OR content ->> 'outcome' = $4::text)
   AND ($5::text IS NULL OR content ->> 'partnerId' = $5::text)
 ORDER BY seq LIMIT $6`;

export async function queryConsentLog(q: SqlQueryable, query: ConsentLogQuery): Promise<ConsentLogEntry[]> {
  const rows = parseRows(entryRow, await q.query(queryStatement, [
    query.afterSeq ?? 0, query.from ?? null, query.to ?? null, query.outcome ?? null, query.partnerId ?? null, query.limit ?? 1000,
  ]));
  return rows.map((row) => ({ seq: row.seq, prevHash: row.prev_hash, hash: row.hash, content: consentLogContentSchema.parse(row.content) }));
}
