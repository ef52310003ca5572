import { z } from 'zod';
import { quarantineReasons } from '../trajectory/codes.js';
import type { SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, parseRows } from './sql-rows.js';
import type { QuarantineCount, RerunningRun, StreamRunSummary } from './operations-records.js';
import type { QuarantineItem } from './store.js';

/**
 * The read side of operations (`werkbrug status`, `runs`, `quarantine list|show`): per stream the
 * latest and latest successful run, quarantine counted by partner and reason, one quarantined item
 * in full, and the runs that re-ran a run. Codes, ids and counts only.
 */

const streamSummaryRow = z.object({
  partner_id: z.string(), stream: z.string(), latest_run_id: z.string().nullable(),
  last_success_at: instantColumn.nullable(), last_success_run_id: z.string().nullable(),
});

// A run covers a stream when it pulled all streams (`streams` NULL) or named this one.
const covers = `r.partner_id = x.partner_id AND (r.streams IS NULL OR x.stream = ANY(r.streams))`;

export async function streamRunSummaries(q: SqlQueryable, streams: readonly { partnerId: string; stream: string }[]): Promise<StreamRunSummary[]> {
  if (streams.length === 0) return [];
  const rows = parseRows(streamSummaryRow, await q.query(
    `SELECT x.partner_id, x.stream,
            (SELECT run_id FROM sync_runs r WHERE ${covers} ORDER BY started_at DESC, run_id DESC LIMIT 1) AS latest_run_id,
            s.finished_at AS last_success_at, s.run_id AS last_success_run_id
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(partner_id, stream, n)
       LEFT JOIN LATERAL (SELECT run_id, finished_at FROM sync_runs r WHERE ${covers} AND r.status = 'succeeded'
                           ORDER BY finished_at DESC, run_id DESC LIMIT 1) AS s ON true
      ORDER BY x.n`,
    [streams.map((s) => s.partnerId), streams.map((s) => s.stream)],
  ));
  return rows.map((row) => ({
    partnerId: row.partner_id, stream: row.stream, latestRunId: row.latest_run_id, lastSuccessAt: row.last_success_at, lastSuccessRunId: row.last_success_run_id,
  }));
}

const countRow = z.object({ partner_id: z.string(), reason: z.string(), items: intColumn, open: intColumn, occurrences: intColumn });

/** Per partner and reason, in that order; `open` leaves out released items. */
export async function quarantineCounts(q: SqlQueryable, filter: { partnerId?: string; reason?: string; open?: boolean }): Promise<QuarantineCount[]> {
  const rows = parseRows(countRow, await q.query(
    `SELECT partner_id, reason, count(*) AS items, count(*) FILTER (WHERE released_at IS NULL) AS open, coalesce(sum(occurrences), 0) AS occurrences
       FROM quarantine
      WHERE ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR reason = $2) AND (NOT $3::boolean OR released_at IS NULL)
      GROUP BY partner_id, reason ORDER BY partner_id, reason`,
    [filter.partnerId ?? null, filter.reason ?? null, filter.open ?? false],
  ));
  return rows.map((row) => ({ partnerId: row.partner_id, reason: row.reason, items: row.items, open: row.open, occurrences: row.occurrences }));
}

const itemRow = z.object({
  partner_id: z.string(), stream: z.string(), source_ref: z.string(), stage: z.enum(['parse', 'validate', 'pseudonymise', 'map']),
  reason: z.enum(quarantineReasons), field: z.string(), expected: z.string(), run_id: z.string(), batch_id: z.string(),
  first_seen_at: instantColumn, last_seen_at: instantColumn, occurrences: intColumn, first_run_id: z.string(),
  released_at: instantColumn.nullable(), release_run_id: z.string().nullable(),
});

/** Every quarantine row of one source reference (one per reason and field), oldest first. */
export async function quarantineItemsOf(q: SqlQueryable, partnerId: string, sourceRef: string): Promise<QuarantineItem[]> {
  const rows = parseRows(itemRow, await q.query(
    `SELECT partner_id, stream, source_ref, stage, reason, field, expected, run_id, batch_id, first_seen_at, last_seen_at, occurrences,
            first_run_id, released_at, release_run_id
       FROM quarantine WHERE partner_id = $1 AND source_ref = $2 ORDER BY first_seen_at, reason, field`,
    [partnerId, sourceRef],
  ));
  return rows.map((row) => ({
    partnerId: row.partner_id, stream: row.stream, sourceRef: row.source_ref, stage: row.stage, reason: row.reason, field: row.field,
    expected: row.expected, runId: row.run_id, batchId: row.batch_id, firstSeenAt: row.first_seen_at, lastSeenAt: row.last_seen_at,
    occurrences: row.occurrences, firstRunId: row.first_run_id, releasedAt: row.released_at, releaseRunId: row.release_run_id,
  }));
}

const rerunRow = z.object({
  run_id: z.string(), triggered_by: z.string(), status: z.enum(['running', 'succeeded', 'failed']), started_at: instantColumn,
});

/** The runs whose `source_run_id` is this run (its retries, replays, releases), oldest first. */
export async function runsRerunning(q: SqlQueryable, runId: string): Promise<RerunningRun[]> {
  const rows = parseRows(rerunRow, await q.query(
    'SELECT run_id, triggered_by, status, started_at FROM sync_runs WHERE source_run_id = $1 ORDER BY started_at, run_id', [runId],
  ));
  return rows.map((row) => ({ runId: row.run_id, trigger: row.triggered_by, status: row.status, startedAt: row.started_at }));
}
