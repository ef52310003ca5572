import { z } from 'zod';
import { WerkbrugError } from '../errors/index.js';
import { quarantineReasons } from '../trajectory/codes.js';
import type { SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, parseRows } from './sql-rows.js';
import type { NewQuarantineItem, QuarantineItem } from './store.js';

/**
 * Quarantined records (brief, invariant 5): reference, field path, reason and expectation only,
 * never a value. One row per (partner, source_ref, reason, field); each repeat adds an occurrence.
 */

const keyOf = (item: NewQuarantineItem): string => [item.partnerId, item.sourceRef, item.reason, item.field].join('\u0000');

const insertStatement = `
INSERT INTO quarantine (partner_id, source_ref, reason, field, stream, stage, expected, first_run_id, run_id, batch_id, occurrences)
SELECT partner_id, source_ref, reason, field, stream, stage, expected, run_id, run_id, batch_id, occurrences
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::integer[])
    AS u(partner_id, source_ref, reason, field, stream, stage, expected, run_id, batch_id, occurrences)
ON CONFLICT (partner_id, source_ref, reason, field) DO UPDATE SET
  occurrences = quarantine.occurrences + excluded.occurrences, stream = excluded.stream, stage = excluded.stage,
  expected = excluded.expected, run_id = excluded.run_id, batch_id = excluded.batch_id, last_seen_at = now(),
  released_at = NULL`;

const reasonSchema = z.enum(quarantineReasons);
const stageSchema = z.enum(['parse', 'validate', 'pseudonymise', 'map']);

/** Refuses (loudly, with the reference) a reason or stage outside the shared vocabulary. */
function checkVocabulary(item: NewQuarantineItem): void {
  const field = !reasonSchema.safeParse(item.reason).success ? 'reason' : !stageSchema.safeParse(item.stage).success ? 'stage' : undefined;
  if (field !== undefined) {
    throw new WerkbrugError('WB_STORE_CONTRACT', {
      sourceRef: item.sourceRef, field, expected: field === 'reason' ? 'a quarantine reason of partners/README.md §2.7' : 'parse, validate, pseudonymise or map',
    });
  }
}

export async function insertQuarantine(q: SqlQueryable, items: readonly NewQuarantineItem[]): Promise<void> {
  items.forEach(checkVocabulary);
  // One statement cannot touch a row twice: fold repeats within the batch into occurrences.
  const folded = new Map<string, { item: NewQuarantineItem; occurrences: number }>();
  for (const item of items) {
    const held = folded.get(keyOf(item));
    folded.set(keyOf(item), { item, occurrences: (held?.occurrences ?? 0) + 1 });
  }
  const rows = [...folded.values()];
  if (rows.length === 0) return;
  const column = (pick: (item: NewQuarantineItem) => string): string[] => rows.map((r) => pick(r.item));
  await q.query(insertStatement, [
    column((i) => i.partnerId), column((i) => i.sourceRef), column((i) => i.reason), column((i) => i.field),
    column((i) => i.stream), column((i) => i.stage), column((i) => i.expected), column((i) => i.runId),
    column((i) => i.batchId), rows.map((r) => r.occurrences),
  ]);
}

const quarantineRow = z.object({
  partner_id: z.string(),
  stream: z.string(),
  source_ref: z.string(),
  stage: stageSchema,
  reason: reasonSchema,
  field: z.string(),
  expected: z.string(),
  run_id: z.string(),
  batch_id: z.string(),
  first_seen_at: instantColumn,
  last_seen_at: instantColumn,
  occurrences: intColumn,
  first_run_id: z.string(),
  released_at: instantColumn.nullable(),
  release_run_id: z.string().nullable(),
});

/** Most recently seen first; `runId` matches the run that last saw the item. `limit` defaults to 1000. */
export async function listQuarantine(q: SqlQueryable, filter: { partnerId?: string; runId?: string; reason?: string; open?: boolean; limit?: number }): Promise<QuarantineItem[]> {
  const rows = parseRows(quarantineRow, await q.query(
    `SELECT partner_id, stream, source_ref, stage, reason, field, expected, run_id, batch_id, first_seen_at, last_seen_at, occurrences,
            first_run_id, released_at, release_run_id
       FROM quarantine
      WHERE ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR run_id = $2) AND ($4::text IS NULL OR reason = $4)
        AND (NOT $5::boolean OR released_at IS NULL)
      ORDER BY last_seen_at DESC, partner_id, source_ref, reason, field LIMIT $3`,
    [filter.partnerId ?? null, filter.runId ?? null, filter.limit ?? 1000, filter.reason ?? null, filter.open ?? false],
  ));
  return rows.map((row) => ({
    partnerId: row.partner_id,
    stream: row.stream,
    sourceRef: row.source_ref,
    stage: row.stage,
    reason: row.reason,
    field: row.field,
    expected: row.expected,
    runId: row.run_id,
    batchId: row.batch_id,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    occurrences: row.occurrences,
    firstRunId: row.first_run_id,
    releasedAt: row.released_at,
    releaseRunId: row.release_run_id,
  }));
}
