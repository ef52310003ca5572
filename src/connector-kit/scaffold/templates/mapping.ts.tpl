import type { EdgeContext, Rejection } from '@werkbrug/connector/connector.js';
import { ageBand } from '@werkbrug/stages/age-band.js';
import { normaliseBsn } from '@werkbrug/stages/bsn.js';
import { holdsNineDigitRun } from '@werkbrug/stages/pseudonymise.js';
import type { DraftRecord } from '@werkbrug/trajectory/trajectory-record.js';
import type { Placement } from './source-schema.js';

/**
 * Pure: one placement → an `employment` draft of the trajectory format, or a refusal naming the
 * field and what was expected (never the value). Only codes, dates, bands and the pseudonym leave:
 * name, street, employer name and note are never copied (`partners/README.md` §2.6).
 *
 * This is the file you rewrite for your partner.
 */
export type Refusal = Omit<Rejection, 'sourceRef'>;

const isoDate = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

function validDate(value: string): boolean {
  if (!isoDate.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return date.toISOString().slice(0, 10) === value;
}

function hoursBand(hours: number | undefined): NonNullable<DraftRecord['employment']>['hours_band'] {
  if (hours === undefined) return 'UNKNOWN';
  if (hours < 12) return 'H01_11';
  if (hours < 20) return 'H12_19';
  return hours < 32 ? 'H20_31' : 'H32_PLUS';
}

/** `partner:placement/<id>`; an id that could hold a BSN becomes a keyed hash. */
export function recordKeyOf(id: string, context: EdgeContext): string {
  const key = holdsNineDigitRun(id) ? context.pseudonymiser.referenceHash(context.partnerId, `placement/${id}`) : id;
  return `${context.partnerId}:placement/${key}`;
}

export function sourceOf(placement: Pick<Placement, 'id' | 'version' | 'updatedAt'>, context: EdgeContext): DraftRecord['source'] {
  const recordKey = recordKeyOf(placement.id, context);
  return {
    partner_id: context.partnerId,
    record_ref: `${recordKey}/_history/${placement.version}`,
    record_key: recordKey,
    version: placement.version,
    modified_at: new Date(placement.updatedAt).toISOString().replace(/\.[0-9]{3}Z$/, 'Z'),
  };
}

export function mapPlacement(placement: Placement, context: EdgeContext): DraftRecord | Refusal {
  const bsn = normaliseBsn(placement.bsn);
  if (!bsn.ok) return { stage: 'pseudonymise', reason: bsn.reason, field: 'bsn', expected: 'a BSN of 9 digits that passes the 11-proef' };
  if (placement.startDate === undefined) return { stage: 'validate', reason: 'required-missing', field: 'startDate', expected: 'a date (YYYY-MM-DD)' };
  if (!validDate(placement.startDate)) return { stage: 'validate', reason: 'invalid-date', field: 'startDate', expected: 'a date (YYYY-MM-DD)' };
  if (placement.endDate !== undefined && !validDate(placement.endDate)) return { stage: 'validate', reason: 'invalid-date', field: 'endDate', expected: 'a date (YYYY-MM-DD)' };
  if (placement.endDate !== undefined && placement.endDate < placement.startDate) return { stage: 'validate', reason: 'invalid-period', field: 'endDate', expected: 'an end on or after startDate' };
  return {
    record_kind: 'employment',
    person: context.pseudonymiser.person(bsn.bsn),
    subject: { as_of: placement.startDate, age_band: ageBand(placement.birthDate, placement.startDate) },
    source: sourceOf(placement, context),
    employment: {
      start_date: placement.startDate,
      ...(placement.endDate !== undefined ? { end_date: placement.endDate } : {}),
      relation: 'employee',
      competitive: 'yes',
      hours_band: hoursBand(placement.hoursPerWeek),
    },
  };
}
