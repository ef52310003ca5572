import type { ConsentLogContent, ConsentLogEntry } from './store.js';

/**
 * The store's records of privacy work (issue 5): erasure receipts, the NEN 7513 access log, what
 * an access request reads, key-rotation relinks. Kept apart from the pipeline's types in
 * `store.ts`, which re-exports them.
 */

/** One person across a key rotation: `person` under the new key, `previous` under the old one. */
export interface PersonRelink {
  readonly person: string;
  readonly previous: string;
}

/** What one person's relink moved, per table. */
export interface RelinkCounts {
  readonly records: number;
  readonly history: number;
  readonly pending: number;
  readonly consentDocuments: number;
  readonly removals: number;
}

export interface KeyIdCount {
  readonly keyId: string;
  readonly persons: number;
}

/** What removing one purpose from one person's rows did: counts only. */
export interface PurposeRemoval {
  readonly rowsUpdated: number;
  readonly rowsDeleted: number;
  readonly historyRowsUpdated: number;
  readonly historyRowsDeleted: number;
}

/**
 * Proof that a person's data for a purpose left the store after a withdrawal (migration 008):
 * counts, codes, references and the pseudonym, tied to its consent-log entry.
 */
export interface ErasureReceipt extends PurposeRemoval {
  readonly receiptId: string;
  readonly person: string;
  readonly purpose: string;
  /** The partner whose consent change carried the withdrawal; the erased rows may be any partner's. */
  readonly partnerId: string;
  readonly consentRef: string | null;
  /** `CR20-withdrawn-erasure`. */
  readonly rule: string;
  /** The consent rule that now refuses the purpose (`CR07-withdrawn`, …). */
  readonly withdrawalRule: string;
  readonly pendingDeleted: number;
  readonly logSeq: number;
  readonly logHash: string;
  readonly runId: string | null;
  readonly batchId: string | null;
  readonly at: string;
}

export interface ListedErasureReceipt extends ErasureReceipt {
  /** True when the consent-log entry at `logSeq` has `logHash` and says what the receipt says. */
  readonly matchesLog: boolean;
}

/** One access to privacy data through a werkbrug command (NEN 7513). Pseudonyms, codes and counts only. */
export interface AccessLogContent {
  readonly event: string;
  readonly at: string;
  readonly person: string | null;
  readonly user: string;
  readonly onBehalfOf: string | null;
  readonly authorisation: string | null;
  readonly detail?: Readonly<Record<string, string | number>>;
}

export interface AccessLogEntry {
  readonly seq: number;
  readonly prevHash: string;
  /** Hex SHA-256 as in the consent log's `cl1` chain, over this chain; shown as `al1:<hash>`. */
  readonly hash: string;
  readonly content: AccessLogContent;
}

/** A period of the consent log; `from` inclusive, `to` exclusive, both ISO instants on `content.at`. */
export interface ConsentLogQuery {
  readonly from?: string;
  readonly to?: string;
  readonly outcome?: ConsentLogContent['outcome'];
  readonly partnerId?: string;
  /** Keyset paging: entries after this seq. */
  readonly afterSeq?: number;
  readonly limit?: number;
}

/** A stored record row (or a replaced version of one) about a person, for an access request. */
export interface PersonStoredRow {
  readonly partnerId: string;
  readonly recordKey: string;
  readonly recordRef: string;
  readonly recordKind: string;
  readonly person: string;
  readonly version: string;
  readonly purposes: readonly string[];
  readonly record: Readonly<Record<string, unknown>>;
  readonly ingestedAt: string;
  /** Only for a replaced version (`record_history`). */
  readonly replacedAt?: string;
}

/** Everything the store holds about one person (all their pseudonyms), for an access request. */
export interface PersonData {
  readonly persons: readonly string[];
  readonly records: readonly PersonStoredRow[];
  readonly history: readonly PersonStoredRow[];
  readonly removals: readonly Readonly<Record<string, unknown>>[];
  readonly consentDocuments: readonly Readonly<Record<string, unknown>>[];
  readonly pending: readonly Readonly<Record<string, unknown>>[];
  readonly consentLog: readonly ConsentLogEntry[];
  /** Rows of `erasure_receipts` (erasure and retention) about the person, when that table exists. */
  readonly erasureReceipts: readonly Readonly<Record<string, unknown>>[];
}

export interface AccessLogFilter {
  readonly afterSeq?: number;
  /** ISO instant, inclusive. */
  readonly from?: string;
  /** ISO instant, exclusive. */
  readonly to?: string;
  readonly person?: string;
  readonly limit?: number;
}
