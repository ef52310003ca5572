import type { Pseudonymiser } from '../../../src/stages/pseudonymise.js';
import type { XmlElement } from '../../../src/xml/xml-document.js';
import type { Period } from '../item.js';
import { keyPartsOf, readUitkeringsverhouding, uitkeringsverhoudingSchema } from '../source-schema.js';
import { codeCountKey, type BenefitType } from './codes.js';
import { readDatum } from './datum.js';
import { dropped, finish, isRefusal, issueRefusal, rejected, type Refusal, type RelationOutcome } from './outcome.js';
import { answerKey, recordKey, refOf, sourceOf } from './source-ref.js';

/**
 * One `Uitkeringsverhouding` → a benefit record (spec §4, §5.3). `CdSzWet` is mapped by the
 * connector's `cdSzWetMap`; an unknown code is `OTHER` and counted (U12). The service has no
 * period, so an entitlement outside the asked period is dropped here (absorbed). The hours basis
 * (`HHMM`) is checked (U21: `2460` is `invalid-value`) but not carried: trajectory format 1 has no
 * field for it. Amounts, reasons and the disability class are never read.
 */
export interface UvInput {
  readonly partnerId: string;
  readonly pseudonymiser: Pseudonymiser;
  readonly bsn: string;
  readonly person: string;
  readonly index: number;
  /** The asked period: the snapshot and version of werknemersverzekeringen records. */
  readonly period: Period;
  readonly ns: string;
  readonly benefitOfSzWet: Readonly<Record<string, BenefitType>>;
}

export function mapUitkeringsverhouding(element: XmlElement, input: UvInput): RelationOutcome {
  const prefix = `ClientSuwi.Uitkeringsverhouding[${input.index}]`;
  const raw = readUitkeringsverhouding(element, input.ns);
  const { CdSzWet: cdSzWet, DatBUitkeringsverhouding: datB } = keyPartsOf(raw);
  const key = cdSzWet !== undefined && datB !== undefined
    ? recordKey(input.partnerId, 'uv', input.pseudonymiser, [input.bsn, cdSzWet, datB])
    : answerKey(input.partnerId, 'uv', input.pseudonymiser, input.bsn, `uv#${input.index}`);
  const reject = (refusal: Refusal) => rejected(refOf(key, input.period.to), key, refusal);

  const parsed = uitkeringsverhoudingSchema.safeParse(raw);
  if (!parsed.success) return reject(issueRefusal(parsed.error, prefix));
  const uv = parsed.data;
  const start = readDatum(uv.DatBUitkeringsverhouding, 'start');
  if (start.kind !== 'date') return reject({ stage: 'validate', reason: 'invalid-date', field: `${prefix}.DatBUitkeringsverhouding`, expected: 'a start date with at least year and month' });
  const end = readDatum(uv.DatEUitkeringsverhouding, 'end');
  if (end.kind === 'invalid') return reject({ stage: 'validate', reason: 'invalid-date', field: `${prefix}.DatEUitkeringsverhouding`, expected: 'an end date with at least year and month, or none' });
  const endDate = end.kind === 'date' ? end.date : undefined;
  if (endDate !== undefined && endDate < start.date) return reject({ stage: 'validate', reason: 'invalid-period', field: `${prefix}.DatEUitkeringsverhouding`, expected: 'the end on or after the start' });
  if (start.date > input.period.to || (endDate !== undefined && endDate < input.period.from)) return dropped();

  const known = input.benefitOfSzWet[uv.CdSzWet];
  const record = finish({
    record_kind: 'benefit',
    person: input.person,
    subject: { as_of: start.date, age_band: 'UNKNOWN' },
    source: sourceOf(input.partnerId, key, input.period.to),
    benefit: { benefit_type: known ?? 'OTHER', start_date: start.date, ...(endDate !== undefined ? { end_date: endDate } : {}) },
  }, prefix);
  if (isRefusal(record)) return reject(record);
  return { records: [record], dropped: false, parts: 1, keys: [key], counts: known === undefined ? [codeCountKey('cdszwet', uv.CdSzWet)] : [] };
}
