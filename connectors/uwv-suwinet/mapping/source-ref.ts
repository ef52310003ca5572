import type { Pseudonymiser } from '../../../src/stages/pseudonymise.js';
import type { SourceRef } from '../../../src/trajectory/trajectory-record.js';

/**
 * Source references (spec §1.3, **werkbrug-defined**; trajectory format §4). The source keys hold
 * the BSN, so the reference carries only the keyed hash: `uwv:ikv/h1-…` of
 * `{BSN}/{Loonheffingennr}/{VolgnrIkv}` and `uwv:uv/h1-…` of `{BSN}/{CdSzWet}/{DatBUitkeringsverhouding}`
 * (raw as delivered). The version is `p` + the year and month of the end of the delivered period.
 * A relation split where its characteristics change (U08) keys its later parts with the start of
 * their first `Inkomstenperiode` appended, so the first part keeps the relation's own key.
 */
export type KeyPrefix = 'ikv' | 'uv';

export function recordKey(partnerId: string, prefix: KeyPrefix, pseudonymiser: Pseudonymiser, parts: readonly string[]): string {
  return `${partnerId}:${prefix}/${pseudonymiser.referenceHash(partnerId, parts.join('/'))}`;
}

/** The key for what cannot be keyed by its parts: a whole answer (bsn-mismatch) or an unreadable relation. */
export function answerKey(partnerId: string, prefix: KeyPrefix, pseudonymiser: Pseudonymiser, bsn: string, what: string): string {
  return `${partnerId}:${prefix}/${pseudonymiser.referenceHash(partnerId, `${bsn}/${what}`)}`;
}

export function versionOf(periodEnd: string): string {
  return `p${periodEnd.slice(0, 7)}`;
}

export function sourceOf(partnerId: string, key: string, periodEnd: string): SourceRef {
  return { partner_id: partnerId, record_ref: `${key}/p/${periodEnd.slice(0, 7)}`, record_key: key, version: versionOf(periodEnd), modified_at: null };
}

export function refOf(key: string, periodEnd: string): string {
  return `${key}/p/${periodEnd.slice(0, 7)}`;
}
