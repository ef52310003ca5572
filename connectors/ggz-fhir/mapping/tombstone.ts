import type { Pseudonymiser } from '../../../src/stages/pseudonymise.js';
import type { DraftRecord, SourceRef } from '../../../src/trajectory/trajectory-record.js';
import type { DeletionItem, GgzStream } from '../item.js';
import { parseInstant, utcInstant } from './dates.js';
import { sourceOf, withContentVersion } from './source-ref.js';

/**
 * Tombstones (`trajectory-format.md` §4): a record the source deleted (E20), retracted with
 * `entered-in-error` (E21), or an episode without START. They carry no person, subject or payload
 * and need no consent; the store removes what it holds under the key.
 */
export const recordKindOf = { ServiceRequest: 'referral', EpisodeOfCare: 'trajectory', Consent: 'consent' } as const satisfies Record<GgzStream, DraftRecord['record_kind']>;

export function tombstone(stream: GgzStream, source: SourceRef): DraftRecord {
  return withContentVersion({ record_kind: recordKindOf[stream], source: { ...source, deleted: true } });
}

/** A `DELETE` from `_history`: version from the ETag, else from the deletion instant (no nine-digit run). */
export function deletionTombstone(item: DeletionItem, partnerId: string, pseudonymiser: Pseudonymiser): DraftRecord {
  const ms = item.lastModified !== undefined ? parseInstant(item.lastModified) : undefined;
  const compact = ms !== undefined ? utcInstant(ms).replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z') : undefined;
  const versionId = item.versionId ?? (compact !== undefined ? `deleted-${compact}` : 'deleted');
  const source = sourceOf({ partnerId, resourceType: item.resourceType, id: item.id, versionId, lastUpdated: item.lastModified }, pseudonymiser);
  return tombstone(item.resourceType, source);
}
