import type { ConsentDocument } from '../consent/consent-document.js';
import type { VerifiableEntry } from '../consent/consent-log-chain.js';
import type { Cursor, Rejection } from '../connector/connector.js';
import type { DraftRecord, TrajectoryRecord } from '../trajectory/trajectory-record.js';
export type { PersonRelink, RelinkCounts, KeyIdCount, PurposeRemoval, ErasureReceipt, ListedErasureReceipt, AccessLogContent, AccessLogEntry, ConsentLogQuery, PersonStoredRow, PersonData, AccessLogFilter } from './privacy-records.js';
import type { OperationsStore } from './operations-records.js';
export type { RunCounts, StreamCounts, RunTrigger, NewSyncRun, RunOutcome, SyncRun } from './run-records.js';
export { emptyRunCounts } from './run-records.js';
import type { RunCounts, NewSyncRun, RunOutcome, SyncRun } from './run-records.js';
export type { OperationsStore, RunCoverage, RunScope, PartnerControl, StreamCursorRange, AlertState, AlertKind, QuarantineSelection, QuarantineRelease, PartnerRunSummary } from './operations-records.js';
import type { PersonRelink, RelinkCounts, KeyIdCount, PurposeRemoval, ErasureReceipt, ListedErasureReceipt, AccessLogContent, AccessLogEntry, ConsentLogQuery, PersonData, AccessLogFilter } from './privacy-records.js';

/**
 * The regional reporting store as the pipeline sees it. Two engines implement it with the same SQL
 * and the same migrations: PostgreSQL (`DATABASE_URL`) and embedded PGlite (a local folder).
 * The store, not Redis, is the source of truth: cursors, runs, pending records and the consent log
 * all live here.
 */
export interface Store {
  readonly engine: 'postgres' | 'pglite';
  /** Operations: pause state, run coverage, quarantine releases, alert state (`operations-records.ts`). */
  readonly operations: OperationsStore;
  /** Applies pending migrations in order inside one transaction each and records them. */
  migrate(): Promise<{ applied: readonly string[] }>;
  /** Runs `fn` in one database transaction; everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  getCursor(partnerId: string, stream: string): Promise<Cursor | undefined>;
  createRun(run: NewSyncRun): Promise<void>;
  finishRun(runId: string, outcome: RunOutcome): Promise<void>;
  getRun(runId: string): Promise<SyncRun | undefined>;
  listRuns(filter: { partnerId?: string; failedOnly?: boolean; limit?: number }): Promise<readonly SyncRun[]>;

  /** Counts for summaries and tests. */
  countRecords(filter?: { partnerId?: string; recordKind?: string }): Promise<number>;
  /** `open`: only items not released by `quarantine release` (default: all). */
  listQuarantine(filter: { partnerId?: string; runId?: string; reason?: string; open?: boolean; limit?: number }): Promise<readonly QuarantineItem[]>;
  countPending(filter?: { partnerId?: string }): Promise<number>;
  getRecord(partnerId: string, recordKey: string): Promise<TrajectoryRecord | undefined>;

  /** Walks the whole chain in sequence order and names the first bad entry. */
  verifyConsentLog(): Promise<ChainVerification>;
  readConsentLog(range: { fromSeq?: number; limit?: number }): Promise<readonly ConsentLogEntry[]>;
  /** Seq and hash only, in seq order from `fromSeq`: the leaves of the log's Merkle tree (`src/consent/merkle.ts`). */
  readConsentLogHashes(range: { fromSeq?: number; limit?: number }): Promise<readonly { seq: number; hash: string }[]>;
  /** The entry with this `cl1` hash (64 hex), content as stored; undefined when none has it. */
  consentLogEntryByHash(hash: string): Promise<VerifiableEntry | undefined>;
  /** The entries about one record (by record key) and the erasures, purges and relinks of its person, in seq order. */
  consentLogAboutRecord(recordKey: string, person: string | null): Promise<readonly VerifiableEntry[]>;
  /** The stored record with this `record_ref` or `record_key` (both start with the partner id). */
  findRecordByRef(ref: string): Promise<TrajectoryRecord | undefined>;
  /** Erasure receipts with `at` in [from, to), oldest first, each checked against its consent-log entry. */
  listErasureReceipts(filter: { from?: string; to?: string; limit?: number }): Promise<readonly ListedErasureReceipt[]>;

  /** Appends one access (NEN 7513) to the hash-chained access log, in its own transaction. */
  appendAccessLog(content: AccessLogContent): Promise<AccessLogEntry>;
  /** Access-log entries in seq order: after `afterSeq`, `at` in [from, to), of `person`; at most `limit` (default 1000). */
  readAccessLog(filter: AccessLogFilter): Promise<readonly AccessLogEntry[]>;
  /** Walks the access log's chain against its head, like `verifyConsentLog`. */
  verifyAccessLog(): Promise<ChainVerification>;
  /** Consent-log entries of a period, filtered in SQL, one keyset page at a time (`consent log`). */
  queryConsentLog(query: ConsentLogQuery): Promise<readonly ConsentLogEntry[]>;
  /** `persons` and every pseudonym linked to them through `relink` consent-log entries (key rotation). */
  linkedPseudonyms(persons: readonly string[]): Promise<readonly string[]>;
  /** Everything stored about these pseudonyms, read in one snapshot, for an access request. */
  readPersonData(persons: readonly string[]): Promise<PersonData>;

  /**
   * Per person (pseudonym): the window of the stored trajectories that have a START. Persons
   * without one are absent (a referral that never started, a refused application).
   */
  personWindows(persons: readonly string[]): Promise<ReadonlyMap<string, PersonWindow>>;
  /** Persons by the number of partners with stored records about them (1, 2, 3…): linkage, as counts. */
  personsByPartnerCount(): Promise<ReadonlyMap<number, number>>;

  /** Distinct stored persons per pseudonym key id, for `werkbrug privacy rotation status`. Counts only. */
  personsByKeyId(): Promise<readonly KeyIdCount[]>;

  /** All table names werkbrug owns, for the privacy scan in tests. */
  listTables(): Promise<readonly string[]>;
  /** Every row of a table as JSON text, for the privacy scan in tests. */
  dumpTable(table: string): Promise<readonly string[]>;
  close(): Promise<void>;
}

export interface StoreTx {
  /** Serialises batches of one stream across workers (transaction-scoped advisory lock). */
  lockStream(partnerId: string, stream: string): Promise<void>;
  /**
   * Records that this batch commits with the transaction. False when it already committed
   * before (a retried job whose first attempt did commit): the caller then writes nothing.
   */
  claimBatch(batch: { batchId: string; runId: string; partnerId: string; stream: string }): Promise<boolean>;
  /** Current row state for the given keys of one partner. */
  loadRowStates(partnerId: string, recordKeys: readonly string[]): Promise<ReadonlyMap<string, StoredRowState>>;
  /**
   * Writes decided upserts: inserts, replacements (the old row moves to `record_history`) and
   * removals (tombstones; the removal is logged in `record_removals` with the reference).
   * `touch` only moves `last_seen_at`.
   */
  applyWrites(writes: readonly RecordWrite[]): Promise<void>;

  loadConsentDocuments(persons: readonly string[]): Promise<ReadonlyMap<string, readonly ConsentDocument[]>>;
  /** Keeps the highest version per `consentKey`. */
  saveConsentDocuments(documents: readonly ConsentDocument[]): Promise<void>;
  /**
   * Marks a consent document deleted at the source (a FHIR DELETE); it then permits nothing.
   * Returns the persons (pseudonyms) whose documents were marked, for re-deciding their records;
   * unknown keys are skipped.
   */
  /** `deletedAt[i]`: when the source deleted key i (null: unknown); a deletion older than the stored version changes nothing. */
  markConsentDeleted(consentKeys: readonly string[], at: string, deletedAt?: readonly (string | null)[]): Promise<readonly string[]>;
  /** Marks consent documents whose newer version was quarantined: they refuse until a readable one arrives. */
  markConsentUnreadable(consentKeys: readonly string[]): Promise<readonly string[]>;

  /**
   * Appends entries to the hash-chained consent log in one statement, under a lock on the chain's
   * head, and returns them with their sequence numbers and hashes, in the order given.
   */
  appendConsentLog(entries: readonly ConsentLogContent[]): Promise<readonly ConsentLogEntry[]>;

  insertQuarantine(items: readonly NewQuarantineItem[]): Promise<void>;
  /** Upserts pending records by (partner, record key); keeps the first `waitingSince`. */
  savePending(items: readonly PendingItem[]): Promise<void>;
  /** Pending records of these persons (for re-decision when their consent changes). */
  loadPendingByPerson(persons: readonly string[]): Promise<readonly PendingItem[]>;
  /** Pending records whose wait started before `before` (for refusal after the waiting time). */
  loadPendingOlderThan(before: string, limit: number): Promise<readonly PendingItem[]>;
  deletePending(keys: readonly { partnerId: string; recordKey: string }[]): Promise<void>;

  saveCursor(partnerId: string, stream: string, cursor: Cursor, runId: string): Promise<void>;
  /** Adds to the counters of (run, stream), and per key to its person counts; creates the row on first use. */
  /** `cursorTo`: the cursor after this batch, kept as where the run's stream stood (a replay's upper bound). */
  addRunCounts(runId: string, stream: string, counts: Partial<RunCounts>, personCounts?: Readonly<Record<string, number>>, cursorTo?: Cursor): Promise<void>;
  /**
   * The stored rows of one person at one partner whose `record_key` starts with `keyPrefix`, for
   * applying a per-person snapshot (rule 7).
   */
  loadPersonRows(partnerId: string, person: string, keyPrefix: string): Promise<readonly PersonRow[]>;

  /** Per person: the purposes their stored rows and history rows carry (consent records left out), sorted. */
  loadCarriedPurposes(persons: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>>;
  /**
   * Removes `purpose` from every stored row and history row of `person` (consent records only when
   * asked): rows left without a purpose are deleted with their history, the others rewritten in
   * place (no history copy: the purpose must not survive there). Locks the consent log's head
   * first, the order every batch takes its locks in (head before record rows).
   */
  removePurpose(person: string, purpose: string, options: { readonly includeConsentRecords: boolean }): Promise<PurposeRemoval>;
  saveErasureReceipts(receipts: readonly ErasureReceipt[]): Promise<void>;
  /**
   * Persons whose stored rows carrying `purpose` have their reference date on or before `cutoff`
   * (`YYYY-MM-DD`), at most `limit`; see `src/privacy/retention-purge.ts` for the reference date.
   */
  loadRetentionDue(purpose: string, cutoff: string, limit: number): Promise<readonly string[]>;
  /**
   * Key rotation (`src/store/key-rotation-store.ts`): moves every stored row of each `previous`
   * pseudonym to its new `person`, in every table but the append-only logs. Returns counts per new
   * pseudonym, only for persons that had rows; the caller logs one `relink` entry for each.
   */
  relinkPersons(pairs: readonly PersonRelink[]): Promise<ReadonlyMap<string, RelinkCounts>>;
}

export interface PersonRow {
  readonly recordKey: string;
  readonly recordRef: string;
  readonly record: TrajectoryRecord;
}

/** What the core knows of a person's trajectories, for the period a per-person source is asked about. */
export interface PersonWindow {
  /** Earliest `start_date` of the person's stored trajectory records. */
  readonly earliestStart: string;
  /** Latest `end_date`, or null when a trajectory with a start is still running. */
  readonly latestEnd: string | null;
}

export interface StoredRowState {
  readonly recordKey: string;
  readonly version: string;
  readonly mappingVersion: string;
  readonly modifiedAt: string | null;
  readonly contentHash: string;
  readonly person: string | null;
  /** Hash of the stored record without purposes and lineage (`src/pipeline/batch-order.ts` draftHash). */
  readonly draftHash?: string;
  /** The stored purposes, sorted and joined with ','. */
  readonly purposesKey?: string;
}

export type RecordWrite =
  | { readonly op: 'insert' | 'replace'; readonly record: TrajectoryRecord; readonly runId: string }
  | { readonly op: 'touch'; readonly partnerId: string; readonly recordKey: string }
  | { readonly op: 'remove'; readonly partnerId: string; readonly recordKey: string; readonly recordRef: string; readonly reason: 'source-deleted' | 'entered-in-error' | 'snapshot-missing'; readonly runId: string };

export interface NewQuarantineItem extends Rejection {
  readonly partnerId: string;
  readonly stream: string;
  readonly runId: string;
  readonly batchId: string;
}

export interface QuarantineItem extends NewQuarantineItem {
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly occurrences: number;
  /** The run that first quarantined it. */
  readonly firstRunId: string;
  /** Set by `quarantine release`; cleared when the re-pull quarantines it again. */
  readonly releasedAt: string | null;
  readonly releaseRunId: string | null;
}

export interface PendingItem {
  readonly partnerId: string;
  readonly stream: string;
  readonly recordKey: string;
  readonly person: string;
  readonly draft: DraftRecord;
  readonly connector: string;
  readonly mappingVersion: string;
  readonly waitingSince: string;
  readonly runId: string;
}

/** One decision or event of the consent log, before it is chained. Codes, references and pseudonyms only. */
export interface ConsentLogContent {
  /** `relink` (key rotation): person = the new pseudonym, `detail.previous` = the old one. */
  readonly kind: 'decision' | 'erasure' | 'refusal-after-wait' | 'relink' | 'retention-purge';
  readonly at: string;
  readonly partnerId: string;
  readonly person: string | null;
  readonly recordRef: string | null;
  readonly outcome: 'permit' | 'pending' | 'refuse' | 'erase' | 'relink';
  /** Per purpose: the outcome, the rule id, the consent reference it rests on. */
  readonly purposes: readonly { purpose: string; outcome: 'permit' | 'pending' | 'refuse'; rule: string; reason?: string; consentRef?: string }[];
  readonly runId: string | null;
  readonly batchId: string | null;
  readonly detail?: Readonly<Record<string, string | number>>;
}

export interface ConsentLogEntry {
  readonly seq: number;
  readonly prevHash: string;
  /** Hex SHA-256 over the previous hash and this entry's canonical content; shown as `cl1:<hash>`. */
  readonly hash: string;
  readonly content: ConsentLogContent;
}

export type ChainVerification =
  | { readonly ok: true; readonly entries: number; readonly headSeq: number; readonly headHash: string }
  | { readonly ok: false; readonly entries: number; readonly firstBadSeq: number; readonly problem: 'changed' | 'removed' | 'reordered' | 'head-mismatch'; readonly detail: string };

