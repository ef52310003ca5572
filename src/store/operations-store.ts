import { fullRunSql } from '../pipeline/full-run.js';
import { z } from 'zod';
import type { Cursor } from '../connector/connector.js';
import type { SqlClient, SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, jsonObjectColumn, parseFirst, parseRows } from './sql-rows.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import type {
  AlertState, FiringAlert, OperationsStore, PartnerControl, PartnerRunSummary, QuarantineRelease, QuarantineSelection, RunCoverage, RunScope, StreamCursorRange,
  QuarantineCount, RerunningRun, StreamRunSummary,
} from './operations-records.js';
import { quarantineCounts, quarantineItemsOf, runsRerunning, streamRunSummaries } from './operations-report-store.js';
import type { QuarantineItem } from './store.js';

/** The store of operations (migration 010): pause state, run coverage and cursor ranges, quarantine releases, alert state. */

const controlRow = z.object({ partner_id: z.string(), paused: z.boolean(), reason: z.string().nullable(), changed_by: z.string(), changed_at: instantColumn });
const toControl = (row: z.infer<typeof controlRow>): PartnerControl => ({ partnerId: row.partner_id, paused: row.paused, reason: row.reason, changedBy: row.changed_by, changedAt: row.changed_at });

const cursorValue = jsonObjectColumn.nullable();
const scopeSchema: z.ZodType<RunScope> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('replay'), key: z.string(), of: z.string() }),
  z.object({ kind: z.literal('window'), key: z.string(), backfillId: z.string(), from: z.string(), to: z.string(), index: z.number().int(), count: z.number().int() }),
  z.object({ kind: z.literal('release'), key: z.string(), from: z.record(z.string(), cursorValue) }),
]);

const coverageRow = z.object({ source_run_id: z.string().nullable(), streams: z.array(z.string()).nullable(), scope: scopeSchema.nullable(), slot: z.string().nullable() });

/** Parses a stored scope (also used by run-store when it reads runs). */
export function parseScope(value: unknown): RunScope | undefined {
  const parsed = scopeSchema.nullable().safeParse(value);
  return parsed.success && parsed.data !== null ? parsed.data : undefined;
}

export function coverageOf(row: { source_run_id: string | null; streams: readonly string[] | null; scope: RunScope | null; slot: string | null }): RunCoverage {
  return {
    ...(row.source_run_id !== null ? { sourceRunId: row.source_run_id } : {}),
    ...(row.streams !== null ? { onlyStreams: [...row.streams] } : {}),
    ...(row.scope !== null ? { scope: row.scope } : {}),
    ...(row.slot !== null ? { slot: row.slot } : {}),
  };
}

const rangeRow = z.object({ stream: z.string(), cursor_from: cursorValue, cursor_to: cursorValue });
const summaryRow = z.object({
  partner_id: z.string(), latest_run_id: z.string().nullable(), last_success_at: instantColumn.nullable(), last_success_run_id: z.string().nullable(), first_run_at: instantColumn.nullable(),
  open_quarantine: intColumn, pending: intColumn,
});
const alertRow = z.object({
  alert_key: z.string(), kind: z.enum(['failed-run', 'stale', 'quarantine-rate', 'consent-log']), partner_id: z.string().nullable(),
  status: z.enum(['firing', 'resolved']), first_at: instantColumn, last_at: instantColumn, notified_at: instantColumn.nullable(),
  resolved_at: instantColumn.nullable(), recovery_notified_at: instantColumn.nullable(), summary: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
const toAlert = (row: z.infer<typeof alertRow>): AlertState => ({
  alertKey: row.alert_key, kind: row.kind, partnerId: row.partner_id, status: row.status, firstAt: row.first_at, lastAt: row.last_at,
  notifiedAt: row.notified_at, resolvedAt: row.resolved_at, recoveryNotifiedAt: row.recovery_notified_at, summary: row.summary, detail: row.detail,
});

export class SqlOperationsStore implements OperationsStore {
  constructor(private readonly q: SqlQueryable & Partial<Pick<SqlClient, 'transaction'>>) {}

  async setPartnerPaused(partnerId: string, paused: boolean, changedBy: string, reason?: string): Promise<PartnerControl> {
    const rows = await this.q.query(
      `INSERT INTO partner_control (partner_id, paused, reason, changed_by, changed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (partner_id) DO UPDATE SET paused = excluded.paused, reason = excluded.reason, changed_by = excluded.changed_by, changed_at = now()
       RETURNING partner_id, paused, reason, changed_by, changed_at`,
      [partnerId, paused, reason ?? null, changedBy],
    );
    return toControl(controlRow.parse(rows[0]));
  }

  async partnerControls(): Promise<readonly PartnerControl[]> {
    return parseRows(controlRow, await this.q.query('SELECT partner_id, paused, reason, changed_by, changed_at FROM partner_control ORDER BY partner_id')).map(toControl);
  }

  async isPartnerPaused(partnerId: string): Promise<boolean> {
    const rows = await this.q.query('SELECT paused FROM partner_control WHERE partner_id = $1', [partnerId]);
    return rows[0]?.paused === true;
  }

  async runCoverage(runId: string): Promise<RunCoverage | undefined> {
    const row = parseFirst(coverageRow, await this.q.query('SELECT source_run_id, streams, scope, slot FROM sync_runs WHERE run_id = $1', [runId]));
    return row === undefined ? undefined : coverageOf(row);
  }

  async recordCursorFrom(runId: string, stream: string, cursor: Cursor | undefined): Promise<void> {
    await this.q.query(
      `INSERT INTO sync_run_streams (run_id, stream, cursor_from, cursor_from_set) VALUES ($1, $2, $3::jsonb, true)
       ON CONFLICT (run_id, stream) DO UPDATE SET
         cursor_from = CASE WHEN sync_run_streams.cursor_from_set THEN sync_run_streams.cursor_from ELSE excluded.cursor_from END,
         cursor_from_set = true`,
      [runId, stream, cursor === undefined ? null : JSON.stringify(cursor)],
    );
  }

  async runCursorRanges(runId: string): Promise<Readonly<Record<string, StreamCursorRange>>> {
    const rows = parseRows(rangeRow, await this.q.query('SELECT stream, cursor_from, cursor_to FROM sync_run_streams WHERE run_id = $1 ORDER BY stream', [runId]));
    return Object.fromEntries(rows.map((row) => [row.stream, { from: row.cursor_from, to: row.cursor_to }]));
  }

  async deleteScopedCursors(partnerId: string, key: string): Promise<number> {
    const rows = await this.q.query(`DELETE FROM cursors WHERE partner_id = $1 AND right(stream, length($2) + 1) = '@' || $2 RETURNING stream`, [partnerId, key]);
    return rows.length;
  }

  async partnerRunSummaries(partnerIds: readonly string[]): Promise<readonly PartnerRunSummary[]> {
    const rows = parseRows(summaryRow, await this.q.query(
      `SELECT p.partner_id,
              (SELECT run_id FROM sync_runs r WHERE r.partner_id = p.partner_id ORDER BY started_at DESC, run_id DESC LIMIT 1) AS latest_run_id,
              (SELECT finished_at FROM sync_runs r WHERE r.partner_id = p.partner_id AND status = 'succeeded' AND ${fullRunSql} ORDER BY finished_at DESC LIMIT 1) AS last_success_at,
              (SELECT run_id FROM sync_runs r WHERE r.partner_id = p.partner_id AND status = 'succeeded' AND ${fullRunSql} ORDER BY finished_at DESC LIMIT 1) AS last_success_run_id,
              (SELECT min(started_at) FROM sync_runs r WHERE r.partner_id = p.partner_id) AS first_run_at,
              (SELECT count(*) FROM quarantine q WHERE q.partner_id = p.partner_id AND q.released_at IS NULL) AS open_quarantine,
              (SELECT count(*) FROM pending w WHERE w.partner_id = p.partner_id) AS pending
         FROM unnest($1::text[]) AS p(partner_id)`,
      [[...partnerIds]],
    ));
    return rows.map((row) => ({
      partnerId: row.partner_id, latestRunId: row.latest_run_id, lastSuccessAt: row.last_success_at, lastSuccessRunId: row.last_success_run_id, firstRunAt: row.first_run_at,
      openQuarantine: row.open_quarantine, pending: row.pending,
    }));
  }

  streamRunSummaries(streams: readonly { partnerId: string; stream: string }[]): Promise<readonly StreamRunSummary[]> {
    return streamRunSummaries(this.q, streams);
  }

  runsRerunning(runId: string): Promise<readonly RerunningRun[]> {
    return runsRerunning(this.q, runId);
  }

  quarantineCounts(filter: { partnerId?: string; reason?: string; open?: boolean }): Promise<readonly QuarantineCount[]> {
    return quarantineCounts(this.q, filter);
  }

  quarantineItemsOf(partnerId: string, sourceRef: string): Promise<readonly QuarantineItem[]> {
    return quarantineItemsOf(this.q, partnerId, sourceRef);
  }

  async releaseQuarantine(selection: QuarantineSelection, releaseRunId: string): Promise<QuarantineRelease> {
    const rows = parseRows(z.object({ stream: z.string(), first_run_id: z.string() }), await this.q.query(
      `UPDATE quarantine SET released_at = now(), release_run_id = $5
        WHERE partner_id = $1 AND released_at IS NULL
          AND ($2::text IS NULL OR reason = $2) AND ($3::text IS NULL OR stream = $3) AND ($4::text[] IS NULL OR source_ref = ANY($4))
        RETURNING stream, first_run_id`,
      [selection.partnerId, selection.reason ?? null, selection.stream ?? null, selection.sourceRefs ? [...selection.sourceRefs] : null, releaseRunId],
    ));
    const firstRuns: Record<string, string> = {};
    // Run ids sort by their start time (`r20261125T…`), so the smallest is the earliest run.
    for (const row of rows) if (firstRuns[row.stream] === undefined || row.first_run_id < (firstRuns[row.stream] ?? '')) firstRuns[row.stream] = row.first_run_id;
    return { released: rows.length, firstRuns };
  }

  async unreleaseQuarantine(releaseRunId: string): Promise<number> {
    const rows = await this.q.query('UPDATE quarantine SET released_at = NULL, release_run_id = NULL WHERE release_run_id = $1 RETURNING source_ref', [releaseRunId]);
    return rows.length;
  }

  async getAlert(alertKey: string): Promise<AlertState | undefined> {
    const row = parseFirst(alertRow, await this.q.query('SELECT * FROM alert_state WHERE alert_key = $1', [alertKey]));
    return row === undefined ? undefined : toAlert(row);
  }

  async saveAlert(alert: AlertState): Promise<void> {
    await this.q.query(
      `INSERT INTO alert_state (alert_key, kind, partner_id, status, first_at, last_at, notified_at, resolved_at, recovery_notified_at, summary, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
       ON CONFLICT (alert_key) DO UPDATE SET kind = excluded.kind, partner_id = excluded.partner_id, status = excluded.status, first_at = excluded.first_at,
         last_at = excluded.last_at, notified_at = excluded.notified_at, resolved_at = excluded.resolved_at,
         recovery_notified_at = excluded.recovery_notified_at, summary = excluded.summary, detail = excluded.detail`,
      [alert.alertKey, alert.kind, alert.partnerId, alert.status, alert.firstAt, alert.lastAt, alert.notifiedAt, alert.resolvedAt, alert.recoveryNotifiedAt, alert.summary, JSON.stringify(alert.detail)],
    );
  }

  async listAlerts(filter: { status?: 'firing' | 'resolved' }): Promise<readonly AlertState[]> {
    return parseRows(alertRow, await this.q.query('SELECT * FROM alert_state WHERE ($1::text IS NULL OR status = $1) ORDER BY last_at DESC, alert_key', [filter.status ?? null])).map(toAlert);
  }

  async fireAlert(alert: FiringAlert, at: string): Promise<{ readonly alert: AlertState; readonly started: boolean }> {
    // `finished`: nothing more will be sent for the old row, so the condition starts a new alert.
    // An evaluation that began before the row was resolved changes nothing (its view is older).
    const finished = `alert_state.status = 'resolved' AND (alert_state.recovery_notified_at IS NOT NULL OR alert_state.notified_at IS NULL)`;
    const rows = await this.q.query(
      `INSERT INTO alert_state (alert_key, kind, partner_id, status, first_at, last_at, summary, detail) VALUES ($1, $2, $3, 'firing', $4, $4, $5, $6::jsonb)
       ON CONFLICT (alert_key) DO UPDATE SET
         first_at = CASE WHEN ${finished} THEN excluded.first_at ELSE alert_state.first_at END,
         notified_at = CASE WHEN ${finished} THEN NULL ELSE alert_state.notified_at END,
         recovery_notified_at = CASE WHEN ${finished} THEN NULL ELSE alert_state.recovery_notified_at END,
         status = 'firing', resolved_at = NULL, last_at = greatest(alert_state.last_at, excluded.last_at),
         kind = excluded.kind, partner_id = excluded.partner_id, summary = excluded.summary, detail = excluded.detail
       WHERE alert_state.status = 'firing' OR alert_state.resolved_at < excluded.last_at
       RETURNING *`,
      [alert.alertKey, alert.kind, alert.partnerId, at, alert.summary, JSON.stringify(alert.detail)],
    );
    const row = parseFirst(alertRow, rows);
    if (row !== undefined) return { alert: toAlert(row), started: Date.parse(row.first_at) === Date.parse(at) };
    const current = await this.getAlert(alert.alertKey);
    if (current === undefined) throw new WerkbrugError('WB_STORE_CONTRACT', { field: 'alertKey', expected: 'the alert row fireAlert just found', got: JSON.stringify(alert.alertKey) });
    return { alert: current, started: false };
  }

  async resolveAlert(alertKey: string, at: string): Promise<AlertState | undefined> {
    // Only an evaluation at or after the last firing one resolves: an older view changes nothing.
    const row = parseFirst(alertRow, await this.q.query(
      `UPDATE alert_state SET status = 'resolved', resolved_at = $2, last_at = $2 WHERE alert_key = $1 AND status = 'firing' AND last_at <= $2 RETURNING *`,
      [alertKey, at],
    ));
    return row === undefined ? undefined : toAlert(row);
  }

  async claimAlertDelivery(alertKey: string, deliver: (alert: AlertState, event: 'alert' | 'recovery') => Promise<boolean>, at: () => string): Promise<'delivered' | 'failed' | 'not-due'> {
    const transaction = this.q.transaction?.bind(this.q);
    if (transaction === undefined) throw new WerkbrugError('WB_STORE_CONTRACT', { field: 'claimAlertDelivery', expected: 'an operations store on a client with transactions' });
    // The row lock lasts one delivery attempt: a second evaluator skips the row instead of waiting
    // and sending it too; a crash rolls back and the next evaluation delivers it.
    return transaction(async (tx) => {
      const row = parseFirst(alertRow, await tx.query(
        `SELECT * FROM alert_state WHERE alert_key = $1
            AND ((status = 'firing' AND notified_at IS NULL) OR (status = 'resolved' AND notified_at IS NOT NULL AND recovery_notified_at IS NULL))
            FOR UPDATE SKIP LOCKED`,
        [alertKey],
      ));
      if (row === undefined) return 'not-due';
      const alert = toAlert(row);
      const event = alert.status === 'firing' ? 'alert' : 'recovery';
      if (!(await deliver(alert, event))) return 'failed';
      await tx.query(`UPDATE alert_state SET ${event === 'alert' ? 'notified_at' : 'recovery_notified_at'} = $2 WHERE alert_key = $1`, [alertKey, at()]);
      return 'delivered';
    });
  }

  async ping(): Promise<void> {
    await this.q.query('SELECT 1 AS ok');
  }
}
