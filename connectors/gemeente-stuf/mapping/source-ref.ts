import { holdsNineDigitRun, type Pseudonymiser } from '../../../src/stages/pseudonymise.js';
import type { SourceRef } from '../../../src/trajectory/trajectory-record.js';
import type { Entiteittype } from '../stuf-names.js';

/**
 * Source references (spec §3.1, `trajectory-format.md` §4): `record_key` =
 * `{partner}:{entiteittype}/{identificatie}`, `record_ref` = key + `/mut/{mutatievolgnummer}`,
 * `version` = the number, `modified_at` null (`tijdstipRegistratie` has no offset). An
 * identificatie with a run of exactly nine digits (a possible BSN, G13), or with characters a
 * reference may not hold, is replaced by the keyed `h1-` hash, so no reference carries a BSN.
 */
const plainSegment = /^[A-Za-z0-9._~-]{1,64}$/;

export function identificatieSegment(partnerId: string, type: Entiteittype, identificatie: string, pseudonymiser: Pseudonymiser): string {
  return plainSegment.test(identificatie) && !holdsNineDigitRun(identificatie) ? identificatie : pseudonymiser.referenceHash(partnerId, `${type}/${identificatie}`);
}

export function recordKeyOf(partnerId: string, type: Entiteittype, identificatie: string, pseudonymiser: Pseudonymiser): string {
  return `${partnerId}:${type}/${identificatieSegment(partnerId, type, identificatie, pseudonymiser)}`;
}

export function sourceOf(partnerId: string, type: Entiteittype, identificatie: string, mutatievolgnummer: number, pseudonymiser: Pseudonymiser): SourceRef {
  const recordKey = recordKeyOf(partnerId, type, identificatie, pseudonymiser);
  return { partner_id: partnerId, record_ref: `${recordKey}/mut/${mutatievolgnummer}`, record_key: recordKey, version: String(mutatievolgnummer), modified_at: null };
}
