import type { StoredRowState } from '../store/store.js';

/**
 * The upsert rules of `trajectory-format.md` §4, as one pure decision. Rules 1–6 are here. Rule 7
 * (a source that answers with complete snapshots per person, UWV) needs the snapshot's scope,
 * which a per-record decision does not see: `src/pipeline/apply-snapshots.ts` applies it, and
 * `decide-and-store.ts` lets a snapshot record replace whatever its version says.
 */
export interface IncomingState {
  readonly version: string;
  readonly mappingVersion: string;
  /** The source's last-modified time (UTC, `…Z`) or null when the source has none. */
  readonly modifiedAt: string | null;
  /** The hash versions are compared by (the pipeline passes the draft hash). */
  readonly contentHash: string;
  /** `source.deleted`: a tombstone. */
  readonly deleted: boolean;
}

export type ExistingState = Pick<StoredRowState, 'version' | 'mappingVersion' | 'modifiedAt' | 'contentHash'>;

/**
 * - `insert` (rule 1), `replace` (rule 3, rule 5's higher integer version, or a re-mapping),
 * - `noop` (rule 2: same content; only `last_seen_at` may move), `stale` (rule 4; count it),
 * - `conflict` (same version and mapping with other content, or rule 5 undecidable: quarantine
 *   as `version-conflict`),
 * - `remove` (rule 6), `remove-missing` (a tombstone for a row not stored: nothing to remove).
 */
export type UpsertDecision = 'insert' | 'replace' | 'noop' | 'stale' | 'conflict' | 'remove' | 'remove-missing';

const timestampPattern = /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,9}))?Z$/;

/**
 * Orders two UTC timestamps to the microsecond: `…:05Z`, `…:05.0Z` and `…:05.000000Z` are the same
 * instant, which a plain string comparison gets wrong. Anything else falls back to Date.parse.
 */
export function compareInstants(a: string, b: string): number {
  const ma = timestampPattern.exec(a);
  const mb = timestampPattern.exec(b);
  if (ma !== null && mb !== null) {
    const na = `${ma[1]}.${(ma[2] ?? '').padEnd(9, '0')}`;
    const nb = `${mb[1]}.${(mb[2] ?? '').padEnd(9, '0')}`;
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  return Math.sign(Date.parse(a) - Date.parse(b));
}

const integerPattern = /^[0-9]{1,30}$/;

/** Both versions integers (rule 5): their order, else undefined. */
function compareIntegerVersions(a: string, b: string): number | undefined {
  if (!integerPattern.test(a) || !integerPattern.test(b)) return undefined;
  const diff = BigInt(a) - BigInt(b);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** Newer (1), older (-1), same time (0) or not ordered by time (undefined), by rules 3–5. */
function compareByTime(incoming: IncomingState, existing: ExistingState): number | undefined {
  if (incoming.modifiedAt !== null && existing.modifiedAt !== null) return compareInstants(incoming.modifiedAt, existing.modifiedAt);
  if (incoming.modifiedAt !== null) return 1; // rule 3: S has none and R has one
  return undefined;
}

function decideTombstone(incoming: IncomingState, existing: ExistingState | undefined): UpsertDecision {
  if (existing === undefined) return 'remove-missing';
  // A deletion older than the stored row (a back-fill replaying a delete after the record was
  // created again) must not remove the newer row: rule 4 applies to tombstones too.
  const byTime = compareByTime(incoming, existing);
  if (byTime !== undefined && byTime < 0) return 'stale';
  if (byTime === undefined || byTime === 0) {
    const byVersion = compareIntegerVersions(incoming.version, existing.version);
    if (byVersion !== undefined && byVersion < 0) return 'stale';
  }
  return 'remove';
}

/**
 * Decides an incoming record R against the stored row S of the same (partner_id, record_key).
 * Pure; the caller must hold the stream's lock between reading S and writing the result.
 */
export function decideUpsert(incoming: IncomingState, existing: ExistingState | undefined): UpsertDecision {
  if (incoming.deleted) return decideTombstone(incoming, existing);
  if (existing === undefined) return 'insert';
  // The header rule of §4 comes before rules 2–5.
  if (incoming.version === existing.version) {
    if (incoming.mappingVersion !== existing.mappingVersion) return 'replace';
    return incoming.contentHash === existing.contentHash ? 'noop' : 'conflict';
  }
  if (incoming.contentHash === existing.contentHash) return 'noop';
  const byTime = compareByTime(incoming, existing);
  if (byTime !== undefined && byTime > 0) return 'replace';
  if (byTime !== undefined && byTime < 0) return 'stale';
  // Rule 5: equal or missing modified_at (including R without one while S has one, which §4 does
  // not name: time cannot order them, so the versions must).
  const byVersion = compareIntegerVersions(incoming.version, existing.version);
  if (byVersion === undefined || byVersion === 0) return 'conflict';
  return byVersion > 0 ? 'replace' : 'stale';
}

export interface DedupedBatch<T> {
  /** One item per key, the newest, in the order the keys first appear. */
  readonly kept: readonly T[];
  /** Items a newer one of the same key made superfluous (count them absorbed). */
  readonly superseded: readonly T[];
  /** Items with the same version as the kept one but other content (quarantine as `version-conflict`). */
  readonly conflicts: readonly T[];
}

/**
 * Keeps the newest version per key within one batch, by the same rules as against the store.
 * PostgreSQL refuses an `INSERT … ON CONFLICT` that touches one key twice, and a page may hold a
 * record twice (PERFORMANCE.md): without this the batch would fail on every retry.
 */
export function dedupeBatch<T>(items: readonly T[], keyOf: (item: T) => string, stateOf: (item: T) => IncomingState): DedupedBatch<T> {
  const kept = new Map<string, T>();
  const superseded: T[] = [];
  const conflicts: T[] = [];
  for (const item of items) {
    const key = keyOf(item);
    const held = kept.get(key);
    if (held === undefined) {
      kept.set(key, item);
      continue;
    }
    const decision = decideUpsert(stateOf(item), stateOf(held));
    if (decision === 'replace' || decision === 'remove') {
      superseded.push(held);
      kept.set(key, item);
    } else if (decision === 'conflict') {
      conflicts.push(item);
    } else {
      superseded.push(item);
    }
  }
  return { kept: [...kept.values()], superseded, conflicts };
}
