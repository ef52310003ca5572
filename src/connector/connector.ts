import type { z } from 'zod';
import type { ConsentDocument } from '../consent/consent-document.js';
import type { Pseudonymiser } from '../stages/pseudonymise.js';
import type { DraftRecord } from '../trajectory/trajectory-record.js';
import type { QuarantineReason } from '../trajectory/codes.js';
import type { PartnerHttp } from './partner-http.js';

/**
 * The one interface every partner connector implements (`shared/STYLE.md`, "A connector's shape").
 * A connector knows nothing of queues, stores or other partners: the core owns retries, cursors,
 * consent and pseudonym keys. `pull()` talks to the partner; `edge()` is pure and turns a page of
 * the partner's records into pseudonymised, minimised drafts and rejections before anything leaves
 * the edge process.
 */
export interface Connector<Config = unknown, Item = unknown> {
  /** = folder name under `connectors/` = the `connector` value in the region config. */
  readonly id: string;
  readonly version: string;
  readonly mappingVersion: string;
  readonly kind: 'fhir' | 'soap' | 'rest';
  /** Validates `partners[].settings`; secrets are named by reference (an environment variable). */
  readonly configSchema: z.ZodType<Config>;
  describe(config: Config): ConnectorDescription;
  /** Reachability and credentials; never throws for a partner fault, it reports it. */
  check(config: Config, http: PartnerHttp): Promise<CheckResult>;
  /**
   * Pages of one stream from `from` (undefined: from the beginning). Paging links stay inside.
   * Throws `WerkbrugError`s of the catalogue: `WB_PARTNER_UNREACHABLE` (retryable),
   * `WB_PARTNER_AUTH`, `WB_PARTNER_REQUEST_REJECTED`, `WB_PARTNER_CONFIG_REJECTED`.
   */
  pull(config: Config, stream: string, from: Cursor | undefined, http: PartnerHttp, context?: PullContext): AsyncIterable<SourcePage<Item>>;
  /** Pure: parse → validate → pseudonymise + minimise → draft. Never throws for a bad record. */
  edge(page: SourcePage<Item>, context: EdgeContext): EdgeOutput;
  /**
   * Optional: the persons this partner follows, for a connector of another partner that is asked
   * per person (UWV, `partners/uwv-suwinet.md` §1.1). Yields clear BSNs as the partner delivers
   * them; the core normalises, checks, pseudonymises and de-duplicates them in memory and never
   * writes them anywhere. Throws like `pull`.
   */
  worklist?(config: Config, http: PartnerHttp): AsyncIterable<WorklistEntry>;
  /**
   * True for a source that has no change feed and is asked about one person at a time (UWV): the
   * core runs it after the other partners of a sync, builds the worklist (`PullContext.persons`)
   * and applies its answers as per-person snapshots (trajectory format §4, rule 7). Its pages hold
   * one item per person, in the order of `PullContext.persons`: the core keeps where a run stands
   * (the last person stored) so a retried pull of the same run asks nobody twice.
   */
  readonly asksPerPerson?: boolean;
  /**
   * Optional (issue 6, `werkbrug backfill`): the cursor of `stream` that stands for the instant
   * `at` (ISO-8601): pulling from it yields what changed at or after `at`, and as `until` it bounds
   * a pull to what changed up to `at`. Only for sources whose change signal is a time (FHIR
   * `meta.lastUpdated`). A source without one (StUF's `mutatievolgnummer`) leaves it out: its
   * back-fill is one window from the beginning up to the stream's current cursor.
   */
  windowCursor?(config: Config, stream: string, at: string): Cursor;
  /**
   * True when `pull` honours `PullContext.until` (replays pull exactly a run's range). Per-person
   * sources have no range: a replay asks the worklist again.
   */
  readonly bounded?: boolean;
}

/** One person a partner follows, as its worklist question returns it. Lives in memory only. */
export interface WorklistEntry {
  /** The BSN as delivered (not yet normalised). */
  readonly bsn: string;
}

/** What the core hands a pull besides the cursor. */
export interface PullContext {
  /**
   * For `asksPerPerson` connectors: the persons to ask about this run, with consent checked and
   * the period set by the core (§1.2). Clear BSNs in memory, in pseudonym order; never stored.
   */
  readonly persons?: readonly PersonQuestion[];
  /**
   * Stop at this cursor (inclusive): emit nothing the partner changed after the point it stands
   * for, and stop paging once past it. Set for a replay (the cursor a run ended at) and a back-fill
   * window (`windowCursor` of the window's end). Honoured by connectors that declare `bounded`.
   */
  readonly until?: Cursor;
}

export interface PersonQuestion {
  /** Normalised, 11-proef checked. */
  readonly bsn: string;
  readonly pseudonym: string;
  /** The period to ask about (ISO dates, inclusive). */
  readonly period: { readonly from: string; readonly to: string };
}

export interface StreamDescription {
  readonly name: string;
  /** What the cursor means, for operators ("highest meta.lastUpdated stored, minus 120 s overlap"). */
  readonly cursor: string;
  /** `consent`: records of this stream carry consent state and are pulled before the others. */
  readonly role: 'consent' | 'data' | 'deletions';
}

export interface ConnectorDescription {
  readonly streams: readonly StreamDescription[];
}

export type CheckResult =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly code: 'WB_PARTNER_AUTH' | 'WB_PARTNER_UNREACHABLE' | 'WB_PARTNER_REQUEST_REJECTED'; readonly detail: string };

/** A stream's cursor: a small JSON object the connector defines and the core stores verbatim. */
export type Cursor = Readonly<Record<string, unknown>>;

export interface SourcePage<Item> {
  readonly stream: string;
  readonly items: readonly Item[];
  /** What the core saves once this page is stored. */
  readonly cursor: Cursor;
  /** No more pages in this pull. */
  readonly last: boolean;
  /** Records of the stream the partner delivered on this page (matches; includes not counted). */
  readonly read: number;
  /** Records skipped by the connector as already seen (cursor overlap, repeated page). */
  readonly absorbed: number;
  /**
   * Warnings the partner delivered with the page, as codes only, for the core to log and count
   * (FHIR `search.mode = outcome` issue codes, edge case E24). Never record content.
   */
  readonly outcomeIssues?: readonly string[];
}

export interface EdgeContext {
  readonly partnerId: string;
  readonly regionCode: string;
  readonly pseudonymiser: Pseudonymiser;
  /** Include the birth year in `subject` (only when a configured purpose needs it). */
  readonly keepBirthYear: boolean;
  /** Gemeentecode → arbeidsmarktregio code, from `reference/gemeente-arbeidsmarktregio.csv`. */
  readonly regionOfGemeente: (gemeenteCode: string) => string | undefined;
  /** Gemeente name (as nl-core puts it in `address.district`/`city`) → gemeentecode. */
  readonly gemeenteCodeOfName: (name: string) => string | undefined;
  /** Optional: postcode (`3511NK`, no space, upper case) → gemeentecode, where a table is configured. */
  readonly gemeenteCodeOfPostalCode?: (postalCode: string) => string | undefined;
}

export interface EdgeRecord {
  readonly draft: DraftRecord;
  /** Present for records of a consent stream: what the consent decision reads. */
  readonly consentDocument?: ConsentDocument;
}

/** A bad record: the reference, the field path and a reason, never the value. */
export interface Rejection {
  readonly sourceRef: string;
  readonly stage: 'parse' | 'validate' | 'pseudonymise' | 'map';
  readonly reason: QuarantineReason;
  readonly field: string;
  readonly expected: string;
}

export interface EdgeOutput {
  readonly records: readonly EdgeRecord[];
  readonly rejections: readonly Rejection[];
  /** Records the edge recognised as duplicates within the page (counted, not stored). */
  readonly absorbed: number;
  /**
   * Per-person snapshots (trajectory format §4, rule 7), from `asksPerPerson` connectors: the
   * store replaces this partner's rows of the person whose `record_key` starts with `keyPrefix`
   * and that overlap `period` by the snapshot's records; rows missing from it are removed.
   */
  readonly snapshots?: readonly PersonSnapshot[];
  /**
   * Per-person outcomes of the page for the run summary (`asked`, `not-found`, `refused`,
   * `failed`, …): counts only, never who.
   */
  readonly personCounts?: Readonly<Record<string, number>>;
}

export interface PersonSnapshot {
  readonly person: string;
  /** `uwv:ikv/` or `uwv:uv/`: which service's rows the snapshot covers. */
  readonly keyPrefix: string;
  /** The delivered period (ISO dates, inclusive). */
  readonly period: { readonly from: string; readonly to: string };
  /** The `record_key`s of the snapshot's records (quarantined ones included: they are not removed). */
  readonly recordKeys: readonly string[];
}
