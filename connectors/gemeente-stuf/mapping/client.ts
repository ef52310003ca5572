import type { EdgeContext } from '../../../src/connector/connector.js';
import { ageBand, birthYear } from '../../../src/stages/age-band.js';
import { normaliseBsn } from '../../../src/stages/bsn.js';
import type { Subject } from '../../../src/trajectory/trajectory-record.js';
import type { StufClientFields } from '../source-schema.js';
import { stufDate } from './dates.js';
import { isRefusal, refuse, type Refusal } from './refusal.js';

/**
 * The client of an object (spec §3.2): `heeftAlsClient/gerelateerde/inp.bsn`, normalised (an
 * 8-digit value gets its lost leading zero, G05) and 11-proef checked, becomes the pseudonym; the
 * birth date becomes an age band on `as_of`. No BSN element or a nil one is `bsn-missing` (G01,
 * G02); `noValue="nietGeautoriseerd"` is `bsn-withheld` (G03): the suite withholds it, which
 * operations must take up with the partner. Names, gender and address are never read.
 */
const BSN_PATH = 'heeftAlsClient.gerelateerde.inp.bsn';

export interface ClientReading {
  readonly person: string;
  /** ISO date, possibly partial (`YYYY-MM`, `YYYY`), or undefined. */
  readonly birthDate?: string;
}

export function readPerson(client: StufClientFields, context: EdgeContext): ClientReading | Refusal {
  const bsn = client['inp.bsn'];
  if (bsn.kind === 'nil' && bsn.noValue === 'nietGeautoriseerd') {
    return refuse('bsn-withheld', BSN_PATH, 'a BSN the suite is authorised to deliver (noValue nietGeautoriseerd: ask the partner to authorise werkbrug)', 'pseudonymise');
  }
  if (bsn.kind !== 'value') return refuse('bsn-missing', BSN_PATH, 'the client\'s BSN', 'pseudonymise');
  const normalised = normaliseBsn(bsn.text);
  if (!normalised.ok) return refuse(normalised.reason, BSN_PATH, 'a BSN of 9 digits (or 8 without its leading zero) that passes the 11-proef', 'pseudonymise');
  const birth = stufDate(client.geboortedatum, 'birth', 'heeftAlsClient.gerelateerde.geboortedatum');
  if (isRefusal(birth)) return birth;
  return { person: context.pseudonymiser.person(normalised.bsn), ...(birth !== undefined ? { birthDate: birth } : {}) };
}

export function subjectOf(reading: ClientReading, asOf: string, gemeenteCode: string, context: EdgeContext): Subject {
  const region = context.regionOfGemeente(gemeenteCode);
  const year = context.keepBirthYear ? birthYear(reading.birthDate) : undefined;
  return {
    as_of: asOf,
    age_band: ageBand(reading.birthDate, asOf),
    ...(year !== undefined ? { birth_year: year } : {}),
    gemeente_code: gemeenteCode,
    ...(region !== undefined ? { arbeidsmarktregio_code: region as Subject['arbeidsmarktregio_code'] } : {}),
  };
}
