import type { Pseudonymiser } from '../../../src/stages/pseudonymise.js';
import type { DraftRecord } from '../../../src/trajectory/trajectory-record.js';
import { valueOf, type LksFields } from '../source-schema.js';
import { soortLoonkostensubsidieCodes } from './codes.js';
import { stufDate } from './dates.js';
import { isRefusal, refuse, type Refusal } from './refusal.js';

/**
 * LKS → `employment` (spec §3.5): the job the loonkostensubsidie pays towards. `relation` is
 * `employee` and `support` `['GEM_LKS']`. The dates are the job's (`arbeidsovereenkomst`
 * `datumIngang`/`datumEinde`, the agreed end of a fixed-term contract), else the subsidy period:
 * the store matches the job with UWV's relation by employer and start (`trajectory-format.md` §8).
 * `competitive` is `unknown`: a subsidised job is a regular job at a regular employer, but whether
 * it was open to anyone, as IPS means it, the suite does not say; `unknown` still counts towards
 * WORK_START. `urenPerWeek` (a point as decimal separator) becomes an hours band; `24,5` is
 * `invalid-value` (G21), so is a `loonwaardePercentage` outside 0–100 (read only to check it).
 * The loonheffingennummer becomes the keyed `employer_key`; the employer's name (a person's name
 * for an eenmanszaak, G20) and KvK number are never read.
 */
export interface LksMapping {
  readonly employment: NonNullable<DraftRecord['employment']>;
  readonly asOf: string;
}

type HoursBand = NonNullable<DraftRecord['employment']>['hours_band'];

export function hoursBand(hours: number): HoursBand {
  if (hours <= 0) return 'UNKNOWN';
  if (hours < 12) return 'H01_11';
  if (hours < 20) return 'H12_19';
  if (hours < 32) return 'H20_31';
  return 'H32_PLUS';
}

const LHNR = /^[0-9]{9}L[0-9]{2}$/;

export function mapLks(lks: LksFields, pseudonymiser: Pseudonymiser): LksMapping | Refusal {
  const soort = valueOf(lks.soortLoonkostensubsidie);
  if (soort !== undefined && !(soortLoonkostensubsidieCodes as readonly string[]).includes(soort)) return refuse('unknown-code', 'soortLoonkostensubsidie', soortLoonkostensubsidieCodes.join(', '));
  const uren = valueOf(lks.urenPerWeek);
  if (uren !== undefined && !/^[0-9]{1,3}(\.[0-9]{1,2})?$/.test(uren)) return refuse('invalid-value', 'urenPerWeek', 'a decimal number of hours with a point as separator (e.g. 24.00)');
  const hours = uren !== undefined ? Number(uren) : undefined;
  if (hours !== undefined && hours > 168) return refuse('invalid-value', 'urenPerWeek', 'at most 168 hours a week');
  const loonwaarde = valueOf(lks.loonwaardePercentage);
  if (loonwaarde !== undefined && (!/^[0-9]{1,3}$/.test(loonwaarde) || Number(loonwaarde) > 100)) return refuse('invalid-value', 'loonwaardePercentage', 'an integer from 0 to 100');
  const lhnr = valueOf(lks.loonheffingennummer);
  if (lhnr !== undefined && !LHNR.test(lhnr)) return refuse('invalid-value', 'werkgever.loonheffingennummer', 'nine digits, L and two digits (e.g. 123456782L01)');

  const subsidyStart = stufDate(lks.datumAanvang, 'start', 'datumAanvang');
  if (isRefusal(subsidyStart)) return subsidyStart;
  const subsidyEnd = stufDate(lks.datumEinde, 'end', 'datumEinde');
  if (isRefusal(subsidyEnd)) return subsidyEnd;
  if (subsidyStart !== undefined && subsidyEnd !== undefined && subsidyEnd < subsidyStart) return refuse('invalid-period', 'datumEinde', 'an end on or after datumAanvang');
  const contract = lks.arbeidsovereenkomst;
  const jobStart = stufDate(contract.datumIngang, 'start', 'arbeidsovereenkomst.datumIngang');
  if (isRefusal(jobStart)) return jobStart;
  const jobEnd = stufDate(contract.datumEinde, 'end', 'arbeidsovereenkomst.datumEinde');
  if (isRefusal(jobEnd)) return jobEnd;
  if (jobStart !== undefined && jobEnd !== undefined && jobEnd < jobStart) return refuse('invalid-period', 'arbeidsovereenkomst.datumEinde', 'an end on or after datumIngang');

  const start = jobStart ?? subsidyStart;
  if (start === undefined) return refuse('required-missing', 'arbeidsovereenkomst.datumIngang', 'the first day of the job, or of the subsidy (datumAanvang)');
  const end = jobStart !== undefined ? jobEnd : subsidyEnd;
  return {
    employment: {
      start_date: start,
      ...(end !== undefined ? { end_date: end } : {}),
      relation: 'employee',
      ...(lhnr !== undefined ? { employer_key: pseudonymiser.employerKey(lhnr) } : {}),
      competitive: 'unknown',
      hours_band: hours === undefined ? 'UNKNOWN' : hoursBand(hours),
      support: ['GEM_LKS'],
    },
    asOf: start,
  };
}
