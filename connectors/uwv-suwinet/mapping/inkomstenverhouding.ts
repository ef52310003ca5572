import type { EdgeRecord } from '../../../src/connector/connector.js';
import type { Pseudonymiser } from '../../../src/stages/pseudonymise.js';
import type { DraftRecord } from '../../../src/trajectory/trajectory-record.js';
import type { Period } from '../item.js';
import { inkomstenverhoudingSchema, keyPartsOf, readInkomstenverhouding, type Inkomstenopgave } from '../source-schema.js';
import type { XmlElement } from '../../../src/xml/xml-document.js';
import { classifyCdSrtIkv, codeCountKey, competitiveOf, relationOf, type IkvClass } from './codes.js';
import { readDatum } from './datum.js';
import { hoursBand, type PaidReturn } from './hours.js';
import { dropped, finish, isRefusal, issueRefusal, rejected, type Refusal, type RelationOutcome } from './outcome.js';
import { answerKey, recordKey, refOf, sourceOf } from './source-ref.js';

/**
 * One `Inkomstenverhouding` → employment and benefit records (spec §3, §5.1; trajectory format §5).
 *
 * A relation becomes one record per run of consecutive `Inkomstenperiode`s that map alike (same
 * class, benefit type or relation and competitiveness, and CdSrtIkv): usually one, and two for a
 * relation whose `CdAardIkv` changes from temp agency to employee (U08), so both are kept with
 * their own dates. Pension periods are dropped (U13); a relation of pensions only is dropped whole.
 * Dates follow spec §5.4 (U05, U06); an unreadable date rejects this relation only.
 */
export interface IkvInput {
  readonly partnerId: string;
  readonly pseudonymiser: Pseudonymiser;
  readonly bsn: string;
  readonly person: string;
  readonly index: number;
  /** The delivered period (else the asked one): returns outside it do not count for hours. */
  readonly period: Period;
  /** Whether `period` is what UWV said it delivered (then it is `observed_until`). */
  readonly delivered: boolean;
  readonly ns: string;
}

interface Segment {
  readonly cls: Exclude<IkvClass, { kind: 'pension' }>;
  readonly cdSrtIkv: string;
  readonly cdAardIkv: string | undefined;
  readonly firstPeriod: number;
  readonly periodStart: string | undefined;
}

function signature(s: Omit<Segment, 'firstPeriod' | 'periodStart'>): string {
  return s.cls.kind === 'employment' ? `e|${relationOf(s.cdAardIkv)}|${competitiveOf(s.cdAardIkv)}|${s.cdSrtIkv}` : `b|${s.cls.benefitType}|${s.cdSrtIkv}`;
}

type RawPeriod = { readonly DatBIkp?: string | undefined; readonly CdSrtIkv?: string | undefined; readonly CdAardIkv?: string | undefined };

/**
 * Runs of consecutive non-pension periods that map alike, in date order (UWV lists them newest
 * first as often as oldest first); works on unvalidated periods too.
 */
function segmentsOf(periods: readonly RawPeriod[]): Segment[] {
  const segments: Segment[] = [];
  let last: string | undefined;
  const ordered = periods.map((period, i) => ({ period, i })).sort((a, b) => ((a.period.DatBIkp ?? '') < (b.period.DatBIkp ?? '') ? -1 : (a.period.DatBIkp ?? '') > (b.period.DatBIkp ?? '') ? 1 : a.i - b.i));
  ordered.forEach(({ period, i }) => {
    const cdSrtIkv = period.CdSrtIkv ?? '';
    const cls = classifyCdSrtIkv(cdSrtIkv);
    if (cls.kind === 'pension') {
      last = undefined;
      return;
    }
    const segment = { cls, cdSrtIkv, cdAardIkv: period.CdAardIkv };
    const sig = signature(segment);
    if (sig !== last) segments.push({ ...segment, firstPeriod: i, periodStart: period.DatBIkp });
    last = sig;
  });
  return segments;
}

/**
 * How many outcomes a relation accounts for in the run balance: one per record it can become
 * (U08: two), at least one. `pull()` counts these as read, so a split relation does not unbalance
 * the run; a relation that is rejected or dropped absorbs the parts it did not become.
 */
export function partsOf(element: XmlElement, ns: string): number {
  const raw = readInkomstenverhouding(element, ns) as { Inkomstenperiode: RawPeriod[] };
  return Math.max(1, segmentsOf(raw.Inkomstenperiode).length);
}

function returnsFor(opgaven: readonly Inkomstenopgave[], span: Period, prefix: string): PaidReturn[] | Refusal {
  const out: PaidReturn[] = [];
  for (const [i, opgave] of opgaven.entries()) {
    const from = readDatum(opgave.DatBIko, 'start');
    const to = opgave.DatEIko === undefined ? from : readDatum(opgave.DatEIko, 'end');
    if (from.kind !== 'date' || to.kind !== 'date') return { stage: 'validate', reason: 'invalid-date', field: `${prefix}.Inkomstenopgave[${i}]`, expected: 'DatBIko and DatEIko as complete dates' };
    if (from.date < span.from || to.date > span.to || opgave.AantVerloondeUrenIko === undefined) continue;
    out.push({ from: from.date, to: to.date, hours: Number(opgave.AantVerloondeUrenIko) });
  }
  return out;
}

export function mapInkomstenverhouding(element: XmlElement, input: IkvInput): RelationOutcome {
  const prefix = `ClientSuwi.Inkomstenverhouding[${input.index}]`;
  const raw = readInkomstenverhouding(element, input.ns);
  const { Loonheffingennr: lhnr, VolgnrIkv: volgnr } = keyPartsOf(raw);
  const keyable = lhnr !== undefined && volgnr !== undefined && /^[0-9]{9}L[0-9]{2}$/.test(lhnr) && /^[0-9]{1,4}$/.test(volgnr);
  const baseKey = keyable ? recordKey(input.partnerId, 'ikv', input.pseudonymiser, [input.bsn, lhnr, volgnr]) : answerKey(input.partnerId, 'ikv', input.pseudonymiser, input.bsn, `ikv#${input.index}`);
  const parts = partsOf(element, input.ns);
  const reject = (refusal: Refusal) => rejected(refOf(baseKey, input.period.to), baseKey, refusal, parts);

  const parsed = inkomstenverhoudingSchema.safeParse(raw);
  if (!parsed.success) return reject(issueRefusal(parsed.error, prefix));
  const relation = parsed.data;
  const segments = segmentsOf(relation.Inkomstenperiode);
  if (segments.length === 0) return dropped(parts);

  const start = readDatum(relation.DatBIkv, 'start');
  if (start.kind !== 'date') return reject({ stage: 'validate', reason: 'invalid-date', field: `${prefix}.DatBIkv`, expected: 'a start date with at least year and month' });
  const end = readDatum(relation.DatEIkv, 'end');
  if (end.kind === 'invalid') return reject({ stage: 'validate', reason: 'invalid-date', field: `${prefix}.DatEIkv`, expected: 'an end date with at least year and month, or none' });
  const relationEnd = end.kind === 'date' ? end.date : undefined;
  if (relationEnd !== undefined && relationEnd < start.date) return reject({ stage: 'validate', reason: 'invalid-period', field: `${prefix}.DatEIkv`, expected: 'DatEIkv on or after DatBIkv' });

  const starts: string[] = [start.date];
  for (const segment of segments.slice(1)) {
    const at = readDatum(segment.periodStart, 'start');
    if (at.kind !== 'date' || at.date <= (starts[starts.length - 1] ?? '')) {
      return reject({ stage: 'validate', reason: 'invalid-date', field: `${prefix}.Inkomstenperiode[${segment.firstPeriod}].DatBIkp`, expected: 'a start date after the previous period' });
    }
    starts.push(at.date);
  }

  const records: EdgeRecord[] = [];
  const keys: string[] = [];
  const counts: string[] = [];
  for (const [i, segment] of segments.entries()) {
    const segmentStart = starts[i] as string;
    const next = starts[i + 1];
    const segmentEnd = next !== undefined ? new Date(Date.parse(`${next}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : relationEnd;
    const key = i === 0 ? baseKey : recordKey(input.partnerId, 'ikv', input.pseudonymiser, [input.bsn, relation.Loonheffingennr, relation.VolgnrIkv, segment.periodStart ?? '']);
    const dates = { start_date: segmentStart, ...(segmentEnd !== undefined ? { end_date: segmentEnd } : {}) };
    let draft: DraftRecord;
    if (segment.cls.kind === 'employment') {
      const span = { from: segmentStart > input.period.from ? segmentStart : input.period.from, to: segmentEnd !== undefined && segmentEnd < input.period.to ? segmentEnd : input.period.to };
      const returns = returnsFor(relation.Inkomstenopgave, span, prefix);
      if (!Array.isArray(returns)) return reject(returns);
      draft = {
        record_kind: 'employment',
        person: input.person,
        subject: { as_of: segmentStart, age_band: 'UNKNOWN' },
        source: sourceOf(input.partnerId, key, input.period.to),
        employment: {
          ...dates,
          relation: relationOf(segment.cdAardIkv),
          ikv_code: segment.cdSrtIkv,
          employer_key: input.pseudonymiser.employerKey(relation.Loonheffingennr),
          competitive: competitiveOf(segment.cdAardIkv),
          hours_band: hoursBand(returns),
          ...(input.delivered ? { observed_until: input.period.to } : {}),
        },
      };
    } else {
      if (!segment.cls.known) counts.push(codeCountKey('cdsrtikv', segment.cdSrtIkv));
      draft = {
        record_kind: 'benefit',
        person: input.person,
        subject: { as_of: segmentStart, age_band: 'UNKNOWN' },
        source: sourceOf(input.partnerId, key, input.period.to),
        benefit: { benefit_type: segment.cls.benefitType, ...dates, ikv_code: segment.cdSrtIkv },
      };
    }
    const record = finish(draft, prefix);
    if (isRefusal(record)) return reject(record);
    records.push(record);
    keys.push(key);
  }
  return { records, dropped: false, parts, keys, counts };
}
