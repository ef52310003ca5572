import type { EdgeRecord } from '../connector/connector.js';
import { canonicalJson, sha256Hex } from '../stages/canonical-json.js';
import type { DraftRecord } from '../trajectory/trajectory-record.js';

/**
 * PostgreSQL refuses an upsert batch that holds one key twice, and a page can deliver a record
 * twice (edge case E16) or two versions of it: keep the newest per key, count the rest absorbed.
 */
export function newestPerKey(records: readonly EdgeRecord[]): { kept: EdgeRecord[]; duplicates: number } {
  const byKey = new Map<string, EdgeRecord>();
  for (const record of records) {
    const key = record.draft.source.record_key;
    const seen = byKey.get(key);
    if (!seen || isNewer(record.draft, seen.draft)) byKey.set(key, record);
  }
  return { kept: [...byKey.values()], duplicates: records.length - byKey.size };
}

function isNewer(a: DraftRecord, b: DraftRecord): boolean {
  const am = a.source.modified_at ?? '';
  const bm = b.source.modified_at ?? '';
  if (am !== bm) return am > bm;
  const av = Number(a.source.version);
  const bv = Number(b.source.version);
  return Number.isFinite(av) && Number.isFinite(bv) ? av > bv : a.source.version > b.source.version;
}

/**
 * Hash of the record as the source delivered it (the draft: no purposes, no lineage). Version
 * conflicts compare this, so a record whose purposes changed by a consent decision is not
 * mistaken for "same version, different content".
 */
export function draftHash(draft: DraftRecord): string {
  return `sha256:${sha256Hex(canonicalJson(draft))}`;
}
