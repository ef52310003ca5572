import { addMonths, CAST, formatAmsterdamInstant } from '../../../src/sandbox/index.js';
import type { EdgeCase } from './edge-cases.js';
import { deliveredPeriod, looseDate, overlaps, type Period } from './sandbox-dates.js';
import type { ExpectedOutcome, ServedPerson } from './served.js';
import type { UwvState } from './uwv-state.js';

/**
 * What the sandbox serves for an asked period, for tests and the contract kit that compare a
 * full pull with it: per person the answer kind of each service and, for answers from the data
 * model, each relation's key parts (the BSN, loonheffingennummer and VolgnrIkv, or CdSzWet and
 * start, raw as on the wire) with what the edge must make of it. Answers set through the control
 * API or a fixture file are listed with kind `client`/`response` and no relations.
 */
export interface TruthRelation {
  readonly service: 'ikv' | 'wv';
  /** The source key parts the record key hashes (`partners/uwv-suwinet.md` §1.3). */
  readonly keyParts: readonly string[];
  readonly expected: readonly ExpectedOutcome[];
  /** Raw `Datum`s of the relation's periods where a relation splits into several records (U08). */
  readonly periodStarts: readonly string[];
  /** Raw start and end (`Datum`) and the first period's codes, enough to serve a changed copy. */
  readonly start: string;
  readonly end?: string;
  readonly codes?: { readonly cdSrtIkv: string; readonly cdAardIkv?: string };
}

export interface PersonTruth {
  readonly key: string;
  readonly bsn: string;
  readonly cast: boolean;
  readonly ikv: string;
  readonly wv: string;
  /** Inkomsten's delivered period for the asked period (ISO dates). */
  readonly delivered: Period;
  readonly answersAboutOtherBsn: boolean;
  readonly relatesTo: 'ok' | 'omit' | 'other';
  readonly relations: readonly TruthRelation[];
}

export interface UwvGroundTruth {
  readonly partner: 'uwv';
  readonly source: 'generated' | 'fixtures';
  readonly scenario: string;
  readonly seed: number;
  readonly clock: string;
  readonly asked: Period;
  readonly persons: readonly PersonTruth[];
  readonly edgeCases: readonly EdgeCase[];
}

const CAST_BSNS = new Set(CAST.map((p) => p.bsn));

function personTruth(person: ServedPerson, asked: Period, today: string): PersonTruth {
  const delivered = deliveredPeriod(asked, today, person.deliveredFrom);
  const ikvRelations = person.ikvAnswer.kind === 'data'
    ? person.ikv
      .filter((r) => overlaps(looseDate(r.start, 'start'), looseDate(r.end, 'end'), delivered))
      .map((r): TruthRelation => ({ service: 'ikv', keyParts: [person.bsn, r.loonheffingennr, r.volgnr], expected: r.expected, periodStarts: r.periods.map((p) => p.start), start: r.start, ...(r.end ? { end: r.end } : {}), ...(r.periods[0] ? { codes: { cdSrtIkv: r.periods[0].cdSrtIkv, ...(r.periods[0].cdAardIkv ? { cdAardIkv: r.periods[0].cdAardIkv } : {}) } } : {}) }))
    : [];
  const uvRelations = person.wvAnswer.kind === 'data'
    ? person.uv.map((u): TruthRelation => ({ service: 'wv', keyParts: [person.bsn, u.cdSzWet, u.start], expected: [u.expected], periodStarts: [], start: u.start, ...(u.end ? { end: u.end } : {}) }))
    : [];
  return {
    key: person.key,
    bsn: person.bsn,
    cast: CAST_BSNS.has(person.bsn),
    ikv: person.ikvAnswer.kind === 'fwi-refusal' ? `fwi-refusal ${person.ikvAnswer.code}` : person.ikvAnswer.kind,
    wv: person.wvAnswer.kind === 'fwi-refusal' ? `fwi-refusal ${person.wvAnswer.code}` : person.wvAnswer.kind,
    delivered,
    answersAboutOtherBsn: person.answerBsn !== undefined,
    relatesTo: person.relatesTo ?? 'ok',
    relations: [...ikvRelations, ...uvRelations],
  };
}

/** The ground truth for a question about `asked` (default: the two years up to the clock's day). */
export function groundTruth(state: UwvState, asked?: Period): UwvGroundTruth {
  const today = state.currentDay();
  const period = asked ?? { from: addMonths(today, -24), to: today };
  return {
    partner: 'uwv',
    source: state.source,
    scenario: state.request.scenario,
    seed: state.request.seed,
    clock: formatAmsterdamInstant(state.clock.nowMs()),
    asked: period,
    persons: [...state.persons()].map((p) => personTruth(p, period, today)),
    edgeCases: state.edgeCases,
  };
}

