import { canonicalJson, sha256Hex } from '../stages/canonical-json.js';
import type { DraftRecord, TrajectoryRecord } from './trajectory-record.js';

/**
 * Hash of a record as the source delivered it: everything but `format`, `purposes` and `lineage`.
 * Version conflicts compare this, so a record whose purposes changed by a consent decision is not
 * mistaken for "same version, different content" (`trajectory-format.md` §4, upsert header rule).
 */
export function draftHash(record: DraftRecord | TrajectoryRecord): string {
  const { format: _format, purposes: _purposes, lineage: _lineage, ...draft } = record as TrajectoryRecord;
  return `sha256:${sha256Hex(canonicalJson(draft))}`;
}
