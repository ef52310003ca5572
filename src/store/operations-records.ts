import type { Cursor } from '../connector/connector.js';
import type { QuarantineItem } from './store.js';

/**
 * What operations keeps in the store besides the data (issue 6): partners paused by `werkbrug
 * pause`, what each run covered (so it can be retried, replayed, back-filled), quarantine releases
 * and the state of alerts. Codes, ids and counts only: nothing here identifies a person.
 */

/** A partner paused (or resumed) by `werkbrug pause|resume`. */
export interface PartnerControl {
  readonly partnerId: string;
  readonly paused: boolean;
  readonly reason: string | null;
  /** Who paused or resumed it (the operating-system user or `--by`). */
  readonly changedBy: string;
  readonly changedAt: string;
}

/**
 * What a run covers beyond "every stream from its cursor". A replay pulls the cursor range of the
 * run `of`; a back-fill window pulls [from, to); a release pulls from the given cursors up to now.
 * `key` names the scope's own cursors (`cursors.stream` = `<stream>@<key>`), so a retry of the
 * scoped run resumes where it stopped and the partner's own cursors never move backwards.
 */
export type RunScope =
  | { readonly kind: 'replay'; readonly key: string; readonly of: string }
  | { readonly kind: 'window'; readonly key: string; readonly backfillId: string; readonly from: string; readonly to: string; readonly index: number; readonly count: number }
  | { readonly kind: 'release'; readonly key: string; readonly from: Readonly<Record<string, Cursor | null>> };

/** Where a stream of a run started and where it stood after its last stored page. */
export interface StreamCursorRange {
  /** Null: the pull started from the beginning (no cursor stored yet). */
  readonly from: Cursor | null;
  /** Null: no page was stored. */
  readonly to: Cursor | null;
}

/** Fields of a run besides its id, partner and trigger (all optional: a plain run has none). */
export interface RunCoverage {
  /** The run a retry, replay or release re-runs. */
  readonly sourceRunId?: string;
  /** Only these streams; all when left out. */
  readonly onlyStreams?: readonly string[];
  readonly scope?: RunScope;
  /** The schedule slot that started the run (`ggz-altrecht#0@2026-11-25T01:15:00.000Z`). */
  readonly slot?: string;
}

export type AlertKind = 'failed-run' | 'stale' | 'quarantine-rate' | 'consent-log';

/** One alert condition, from its first alert until its recovery was delivered. */
export interface AlertState {
  /** `failed-run:ggz-altrecht`, `consent-log:region`, … */
  readonly alertKey: string;
  readonly kind: AlertKind;
  readonly partnerId: string | null;
  readonly status: 'firing' | 'resolved';
  readonly firstAt: string;
  readonly lastAt: string;
  /** When the alert was delivered; null while it has not been (yet). */
  readonly notifiedAt: string | null;
  readonly resolvedAt: string | null;
  readonly recoveryNotifiedAt: string | null;
  /** One line for people; no personal data. */
  readonly summary: string;
  readonly detail: Readonly<Record<string, string | number | boolean | null>>;
}

/** What `quarantine release` selects: a partner, optionally one reason, stream or some references. */
export interface QuarantineSelection {
  readonly partnerId: string;
  readonly reason?: string;
  readonly stream?: string;
  readonly sourceRefs?: readonly string[];
}

/** The quarantined items a release selected, per stream: the earliest run that saw one of them. */
export interface QuarantineRelease {
  readonly released: number;
  /** Per stream: the earliest `first_run_id` among the released items of that stream. */
  readonly firstRuns: Readonly<Record<string, string>>;
}

/** Per partner: its latest run and its latest successful run (for `werkbrug status` and alerts). */
export interface PartnerRunSummary {
  readonly partnerId: string;
  readonly latestRunId: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastSuccessRunId: string | null;
  /** When the partner's first run started (any run): a partner that never succeeded is stale from then. */
  readonly firstRunAt: string | null;
  readonly openQuarantine: number;
  readonly pending: number;
}

/** Per partner and stream: the latest run that covered the stream and its latest successful one. */
export interface StreamRunSummary {
  readonly partnerId: string;
  readonly stream: string;
  readonly latestRunId: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastSuccessRunId: string | null;
}

/** Quarantined items of one partner and reason: rows (`items`), how many are not released, occurrences. */
export interface QuarantineCount {
  readonly partnerId: string;
  readonly reason: string;
  readonly items: number;
  readonly open: number;
  readonly occurrences: number;
}

/** A run that re-ran another (its `sourceRunId`): a retry, replay or release. */
export interface RerunningRun {
  readonly runId: string;
  readonly trigger: string;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly startedAt: string;
}

export interface OperationsStore {
  setPartnerPaused(partnerId: string, paused: boolean, changedBy: string, reason?: string): Promise<PartnerControl>;
  partnerControls(): Promise<readonly PartnerControl[]>;
  isPartnerPaused(partnerId: string): Promise<boolean>;

  /** What a run covers (stored with the run by `createRun`). Undefined when the run is unknown. */
  runCoverage(runId: string): Promise<RunCoverage | undefined>;
  /** Records the cursor a stream's pull of this run started from, once (a retried pull keeps the first). */
  recordCursorFrom(runId: string, stream: string, cursor: Cursor | undefined): Promise<void>;
  /** Per stream of the run: the cursor range it covered. */
  runCursorRanges(runId: string): Promise<Readonly<Record<string, StreamCursorRange>>>;
  /** Removes the cursors of a scope (`<stream>@<key>`) once its run has succeeded. */
  deleteScopedCursors(partnerId: string, key: string): Promise<number>;

  /** Per configured partner id: latest run, last success, open quarantine and pending counts. */
  partnerRunSummaries(partnerIds: readonly string[]): Promise<readonly PartnerRunSummary[]>;

  /** Per (partner, stream), in the order given: a run covers a stream when it pulled all streams or named it. */
  streamRunSummaries(streams: readonly { partnerId: string; stream: string }[]): Promise<readonly StreamRunSummary[]>;
  /** The runs that retried, replayed or released this run, oldest first. */
  runsRerunning(runId: string): Promise<readonly RerunningRun[]>;
  /** Quarantine counted per partner and reason (`open`: only items not released). */
  quarantineCounts(filter: { partnerId?: string; reason?: string; open?: boolean }): Promise<readonly QuarantineCount[]>;
  /** Every quarantine row of one source reference (one per reason and field), released or not. */
  quarantineItemsOf(partnerId: string, sourceRef: string): Promise<readonly QuarantineItem[]>;

  /** Marks the selected open quarantine items released for the run `releaseRunId`. */
  releaseQuarantine(selection: QuarantineSelection, releaseRunId: string): Promise<QuarantineRelease>;
  /** Undoes a release whose run could not be started: its items are open again. */
  unreleaseQuarantine(releaseRunId: string): Promise<number>;

  getAlert(alertKey: string): Promise<AlertState | undefined>;
  /** Inserts or replaces the alert row (the caller holds the decision; see src/operations/alerts). */
  saveAlert(alert: AlertState): Promise<void>;
  listAlerts(filter: { status?: 'firing' | 'resolved' }): Promise<readonly AlertState[]>;
  /**
   * The condition holds: inserts the alert, or moves `lastAt`, summary and detail of the open one.
   * A finished alert (its recovery delivered, or resolved before it was ever delivered) starts
   * anew; one resolved whose recovery is still undelivered is firing again without a recovery.
   * `started`: this call began the alert (its `firstAt` is `at`).
   */
  fireAlert(alert: FiringAlert, at: string): Promise<{ readonly alert: AlertState; readonly started: boolean }>;
  /** The condition no longer holds: resolves a firing alert. Undefined when none was firing. */
  resolveAlert(alertKey: string, at: string): Promise<AlertState | undefined>;
  /**
   * Runs `deliver` for the message the alert is due (`alert`: firing and never delivered;
   * `recovery`: resolved after it was delivered, its recovery not yet), holding the row locked
   * (FOR UPDATE SKIP LOCKED) so no other process delivers it at the same time, and records the
   * delivery at `at()` when `deliver` returns true. `not-due` when nothing is due or another
   * process holds the row.
   */
  claimAlertDelivery(alertKey: string, deliver: (alert: AlertState, event: 'alert' | 'recovery') => Promise<boolean>, at: () => string): Promise<'delivered' | 'failed' | 'not-due'>;
  /** A trivial query, for /readyz. */
  ping(): Promise<void>;
}

/** What an evaluation knows of a firing condition. */
export type FiringAlert = Pick<AlertState, 'alertKey' | 'kind' | 'partnerId' | 'summary' | 'detail'>;
