import { canonicalJson, sha256Hex } from '../stages/canonical-json.js';
import type { DraftRecord, TrajectoryRecord } from './trajectory-record.js';

/**
 * Hash of a record as the source delivered it: everything but `format`, `purposes` and `lineage`.
 * Version conflicts compare this, so a record whose purposes changed by a consent decision is not
 * mistaken for "same version, different content" (`trajectory-format.md` §4, upsert header rule).
 *
 * Remembered per object: ingest asks for the same draft's hash for the in-page dedupe and again
 * for the upsert decision, and drafts are never changed after the edge made them.
 */
const remembered = new WeakMap<object, string>();

export function draftHash(record: DraftRecord | TrajectoryRecord): string {
  const known = remembered.get(record);
  if (known !== undefined) return known;
  const { format: _format, purposes: _purposes, lineage: _lineage, ...draft } = record as TrajectoryRecord;
  const hash = `sha256:${sha256Hex(canonicalJson(draft))}`;
  remembered.set(record, hash);
  return hash;
}
