import { z } from 'zod';
import type { Cursor } from '../connector/connector.js';
import { WerkbrugError } from '../errors/index.js';
import type { SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, jsonObjectColumn, parseFirst, parseRows } from './sql-rows.js';
import { coverageOf, parseScope } from './operations-store.js';
import { emptyRunCounts, type NewSyncRun, type RunCounts, type RunOutcome, type StreamCounts, type SyncRun } from './store.js';

/** Sync runs, their counters per stream, and stream cursors. */

const counterNames = Object.keys(emptyRunCounts()) as (keyof RunCounts)[];

export async function createRun(q: SqlQueryable, run: NewSyncRun): Promise<void> {
  // A repeated createRun of the same id (a retried start) changes nothing.
  await q.query(
    `INSERT INTO sync_runs (run_id, partner_id, triggered_by, status, started_at, source_run_id, streams, scope, slot)
     VALUES ($1, $2, $3, 'running', $4, $5, $6, $7::jsonb, $8)
     ON CONFLICT (run_id) DO NOTHING`,
    [run.runId, run.partnerId, run.trigger, run.startedAt, run.sourceRunId ?? null, run.onlyStreams ? [...run.onlyStreams] : null, run.scope ? JSON.stringify(run.scope) : null, run.slot ?? null],
  );
}

/** Throws `WB_STORE_CONTRACT` when the run was never created: its outcome would be lost. */
export async function finishRun(q: SqlQueryable, runId: string, outcome: RunOutcome): Promise<void> {
  const rows = await q.query(
    `UPDATE sync_runs SET status = $2, finished_at = $3, error_code = $4, error_message = $5 WHERE run_id = $1 RETURNING run_id`,
    [runId, outcome.status, outcome.finishedAt, outcome.errorCode ?? null, outcome.errorMessage ?? null],
  );
  if (rows.length === 0) {
    throw new WerkbrugError('WB_STORE_CONTRACT', { field: 'runId', expected: 'a run created with createRun()', got: JSON.stringify(runId) });
  }
}

const countsSchema = z.object({
  ...(Object.fromEntries(counterNames.map((name) => [name, intColumn])) as Record<keyof RunCounts, typeof intColumn>),
  person_counts: z.record(z.string(), intColumn).default({}),
}).transform(({ person_counts: personCounts, ...counts }): StreamCounts => ({ ...counts, personCounts }));

const runRow = z.object({
  run_id: z.string(),
  partner_id: z.string(),
  triggered_by: z.enum(['demo', 'manual', 'schedule', 'retry', 'replay', 'backfill', 'release', 'test', 'bench']),
  source_run_id: z.string().nullable(),
  streams_covered: z.array(z.string()).nullable(),
  scope: z.unknown(),
  slot: z.string().nullable(),
  status: z.enum(['running', 'succeeded', 'failed']),
  started_at: instantColumn,
  finished_at: instantColumn.nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  streams: z.record(z.string(), countsSchema),
});

// The counters of every stream come along as one JSON object, so a list of runs is one query.
const selectRuns = `
SELECT r.run_id, r.partner_id, r.triggered_by, r.status, r.started_at, r.finished_at, r.error_code, r.error_message,
       r.source_run_id, r.streams AS streams_covered, r.scope, r.slot,
       coalesce((SELECT jsonb_object_agg(s.stream, to_jsonb(s) - 'run_id' - 'stream' - 'cursor_from' - 'cursor_to' - 'cursor_from_set')
                   FROM sync_run_streams s WHERE s.run_id = r.run_id), '{}'::jsonb) AS streams
  FROM sync_runs r`;

function toRun(row: z.infer<typeof runRow>): SyncRun {
  return {
    runId: row.run_id,
    partnerId: row.partner_id,
    trigger: row.triggered_by,
    startedAt: row.started_at,
    status: row.status,
    finishedAt: row.finished_at,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    streams: row.streams,
    ...coverageOf({ source_run_id: row.source_run_id, streams: row.streams_covered, scope: parseScope(row.scope) ?? null, slot: row.slot }),
  };
}

export async function getRun(q: SqlQueryable, runId: string): Promise<SyncRun | undefined> {
  const row = parseFirst(runRow, await q.query(`${selectRuns} WHERE r.run_id = $1`, [runId]));
  return row === undefined ? undefined : toRun(row);
}

/** Newest first; `limit` defaults to 50. */
export async function listRuns(q: SqlQueryable, filter: { partnerId?: string; failedOnly?: boolean; limit?: number }): Promise<SyncRun[]> {
  const rows = parseRows(runRow, await q.query(
    `${selectRuns} WHERE ($1::text IS NULL OR r.partner_id = $1) AND (NOT $2::boolean OR r.status = 'failed')
      ORDER BY r.started_at DESC, r.run_id DESC LIMIT $3`,
    [filter.partnerId ?? null, filter.failedOnly ?? false, filter.limit ?? 50],
  ));
  return rows.map(toRun);
}

const personCountsParam = counterNames.length + 3;
// Person counts add up per key: the two JSON objects are unnested, summed and folded back.
const addCountsStatement = `
INSERT INTO sync_run_streams (run_id, stream, ${counterNames.join(', ')}, person_counts, cursor_to)
VALUES ($1, $2, ${counterNames.map((_, i) => `$${i + 3}`).join(', ')}, $${personCountsParam}::jsonb, $${personCountsParam + 1}::jsonb)
ON CONFLICT (run_id, stream) DO UPDATE SET
  cursor_to = coalesce(excluded.cursor_to, sync_run_streams.cursor_to),
  ${counterNames.map((name) => `${name} = sync_run_streams.${name} + excluded.${name}`).join(', ')},
  person_counts = (
    SELECT coalesce(jsonb_object_agg(e.key, e.total), '{}'::jsonb)
      FROM (SELECT key, sum(value::bigint) AS total
              FROM (SELECT * FROM jsonb_each_text(sync_run_streams.person_counts)
                    UNION ALL SELECT * FROM jsonb_each_text(excluded.person_counts)) AS both_sides
             GROUP BY key) AS e)`;

/** Adds to the counters of (run, stream); negative or fractional counts are a bug and refused. */
export async function addRunCounts(q: SqlQueryable, runId: string, stream: string, counts: Partial<RunCounts>, personCounts: Readonly<Record<string, number>> = {}, cursorTo?: Cursor): Promise<void> {
  const values = counterNames.map((name) => counts[name] ?? 0);
  const bad = counterNames.find((name, i) => !Number.isInteger(values[i]) || (values[i] ?? 0) < 0);
  if (bad !== undefined) {
    throw new WerkbrugError('WB_STORE_CONTRACT', { field: `counts.${bad}`, expected: 'a whole number of 0 or more', got: String(counts[bad]) });
  }
  const badPerson = Object.entries(personCounts).find(([key, n]) => !Number.isInteger(n) || n < 0 || !/^[a-z][a-z0-9-]{0,39}$/.test(key));
  if (badPerson !== undefined) {
    throw new WerkbrugError('WB_STORE_CONTRACT', { field: `personCounts.${badPerson[0].slice(0, 40)}`, expected: 'a lower-case key and a whole number of 0 or more' });
  }
  await q.query(addCountsStatement, [runId, stream, ...values, JSON.stringify(personCounts), cursorTo === undefined ? null : JSON.stringify(cursorTo)]);
}

export async function saveCursor(q: SqlQueryable, partnerId: string, stream: string, cursor: Cursor, runId: string): Promise<void> {
  await q.query(
    `INSERT INTO cursors (partner_id, stream, cursor, run_id, updated_at) VALUES ($1, $2, $3::jsonb, $4, now())
     ON CONFLICT (partner_id, stream) DO UPDATE SET cursor = excluded.cursor, run_id = excluded.run_id, updated_at = now()`,
    [partnerId, stream, JSON.stringify(cursor), runId],
  );
}

const cursorRow = z.object({ cursor: jsonObjectColumn });

export async function getCursor(q: SqlQueryable, partnerId: string, stream: string): Promise<Cursor | undefined> {
  const row = parseFirst(cursorRow, await q.query('SELECT cursor FROM cursors WHERE partner_id = $1 AND stream = $2', [partnerId, stream]));
  return row?.cursor;
}
