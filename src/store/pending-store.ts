import { z } from 'zod';
import { draftRecordSchema } from '../trajectory/trajectory-record.js';
import type { SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, parseFirst, parseRows } from './sql-rows.js';
import type { PendingItem } from './store.js';

/** Records waiting for a consent decision (brief, invariant 2), keyed by (partner, record key). */

const keyOf = (item: { partnerId: string; recordKey: string }): string => `${item.partnerId}\u0000${item.recordKey}`;

// waiting_since is left alone on conflict: the first wait is what the waiting time counts from.
const saveStatement = `
INSERT INTO pending (partner_id, record_key, stream, person, draft, connector, mapping_version, waiting_since, run_id, updated_at)
SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::timestamptz[], $9::text[])
ON CONFLICT (partner_id, record_key) DO UPDATE SET
  stream = excluded.stream, person = excluded.person, draft = excluded.draft, connector = excluded.connector,
  mapping_version = excluded.mapping_version, run_id = excluded.run_id, updated_at = now()`;

/** Upserts by (partner, record key): the latest draft, the first `waitingSince`. */
export async function savePending(q: SqlQueryable, items: readonly PendingItem[]): Promise<void> {
  const byKey = new Map<string, PendingItem>();
  for (const item of items) {
    const held = byKey.get(keyOf(item));
    const waitingSince = held !== undefined && held.waitingSince < item.waitingSince ? held.waitingSince : item.waitingSince;
    byKey.set(keyOf(item), { ...item, waitingSince });
  }
  const rows = [...byKey.values()];
  if (rows.length === 0) return;
  await q.query(saveStatement, [
    rows.map((r) => r.partnerId), rows.map((r) => r.recordKey), rows.map((r) => r.stream), rows.map((r) => r.person),
    rows.map((r) => draftRecordSchema.parse(r.draft)), rows.map((r) => r.connector), rows.map((r) => r.mappingVersion),
    rows.map((r) => r.waitingSince), rows.map((r) => r.runId),
  ]);
}

const pendingRow = z.object({
  partner_id: z.string(),
  stream: z.string(),
  record_key: z.string(),
  person: z.string(),
  draft: z.unknown(),
  connector: z.string(),
  mapping_version: z.string(),
  waiting_since: instantColumn,
  run_id: z.string(),
});

const selectPending = 'SELECT partner_id, stream, record_key, person, draft, connector, mapping_version, waiting_since, run_id FROM pending';

function toItem(row: z.infer<typeof pendingRow>): PendingItem {
  return {
    partnerId: row.partner_id,
    stream: row.stream,
    recordKey: row.record_key,
    person: row.person,
    draft: draftRecordSchema.parse(row.draft),
    connector: row.connector,
    mappingVersion: row.mapping_version,
    waitingSince: row.waiting_since,
    runId: row.run_id,
  };
}

export async function loadPendingByPerson(q: SqlQueryable, persons: readonly string[]): Promise<PendingItem[]> {
  if (persons.length === 0) return [];
  const rows = parseRows(pendingRow, await q.query(`${selectPending} WHERE person = ANY($1::text[]) ORDER BY partner_id, record_key`, [[...new Set(persons)]]));
  return rows.map(toItem);
}

/** Oldest wait first. */
export async function loadPendingOlderThan(q: SqlQueryable, before: string, limit: number): Promise<PendingItem[]> {
  const rows = parseRows(pendingRow, await q.query(
    `${selectPending} WHERE waiting_since < $1::timestamptz ORDER BY waiting_since, partner_id, record_key LIMIT $2`,
    [before, limit],
  ));
  return rows.map(toItem);
}

export async function deletePending(q: SqlQueryable, keys: readonly { partnerId: string; recordKey: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await q.query(
    `DELETE FROM pending p USING unnest($1::text[], $2::text[]) AS t(partner_id, record_key)
      WHERE p.partner_id = t.partner_id AND p.record_key = t.record_key`,
    [keys.map((k) => k.partnerId), keys.map((k) => k.recordKey)],
  );
}

const countRow = z.object({ n: intColumn });

export async function countPending(q: SqlQueryable, filter: { partnerId?: string } = {}): Promise<number> {
  const row = parseFirst(countRow, await q.query('SELECT count(*) AS n FROM pending WHERE ($1::text IS NULL OR partner_id = $1)', [filter.partnerId ?? null]));
  return row?.n ?? 0;
}
