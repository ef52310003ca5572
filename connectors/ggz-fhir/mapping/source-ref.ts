import { canonicalJson, sha256Hex } from '../../../src/stages/canonical-json.js';
import { holdsNineDigitRun, type Pseudonymiser } from '../../../src/stages/pseudonymise.js';
import type { DraftRecord, SourceRef } from '../../../src/trajectory/trajectory-record.js';
import { parseInstant, utcInstant } from './dates.js';

/**
 * Source references (`trajectory-format.md` §4): `partner:Type/id/_history/version`. The FHIR id
 * and version are opaque source keys; one that holds a run of exactly nine digits (a possible BSN,
 * edge case E23) or is not a plain FHIR id is replaced by the keyed `h1-` hash, so a reference
 * never carries a BSN in clear. Identifiers (`identifier[]`, e.g. `VW-999990019`) have no place in
 * the trajectory format and are dropped altogether, which is stricter than hashing them.
 */
const plainSegment = /^[A-Za-z0-9\-.]{1,64}$/;

function segment(partnerId: string, type: string, value: string, pseudonymiser: Pseudonymiser): string {
  // The hashed message names the type, so the same id under two types gives two references.
  return plainSegment.test(value) && !holdsNineDigitRun(value) ? value : pseudonymiser.referenceHash(partnerId, `${type}/${value}`);
}

export interface SourceInput {
  readonly partnerId: string;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId?: string | undefined;
  readonly lastUpdated?: string | undefined;
}

/** The record key, `partner:Type/id`. */
export function recordKeyOf(input: SourceInput, pseudonymiser: Pseudonymiser): string {
  return `${input.partnerId}:${input.resourceType}/${segment(input.partnerId, input.resourceType, input.id, pseudonymiser)}`;
}

/**
 * `source` of a draft. Without `meta.versionId` (published examples, fixture folders) the version
 * is filled in by `withContentVersion` once the draft is complete.
 */
export function sourceOf(input: SourceInput, pseudonymiser: Pseudonymiser): SourceRef {
  const recordKey = recordKeyOf(input, pseudonymiser);
  const lastUpdated = input.lastUpdated !== undefined ? parseInstant(input.lastUpdated) : undefined;
  const version = input.versionId !== undefined ? segment(input.partnerId, `${input.resourceType}/_history`, input.versionId, pseudonymiser) : undefined;
  return {
    partner_id: input.partnerId,
    record_ref: version !== undefined ? `${recordKey}/_history/${version}` : recordKey,
    record_key: recordKey,
    version: version ?? '',
    modified_at: lastUpdated !== undefined ? utcInstant(lastUpdated) : null,
  };
}

/**
 * A source without a version marker gets `h:` + 16 hex of the SHA-256 of the record's canonical
 * JSON without `source.version` (`trajectory-format.md` §4); its reference is then the bare key.
 */
export function withContentVersion(draft: DraftRecord): DraftRecord {
  if (draft.source.version !== '') return draft;
  const { version: _version, ...source } = draft.source;
  const hash = sha256Hex(canonicalJson({ ...draft, source })).slice(0, 16);
  return { ...draft, source: { ...draft.source, version: `h:${hash}` } };
}
