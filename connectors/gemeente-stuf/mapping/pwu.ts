import type { DraftRecord } from '../../../src/trajectory/trajectory-record.js';
import { valueOf, type PwuFields } from '../source-schema.js';
import { soortUitkeringCodes, unmappedCodeCounter } from './codes.js';
import { stufDate } from './dates.js';
import { isRefusal, refuse, type Refusal } from './refusal.js';

/**
 * PWU → `benefit` (spec §3.3): `soortUitkering` mapped to `reference/benefit-types.csv`; an unknown
 * code (an old `WWB`, G22) is `OTHER` and counted under its source code; start and end dates.
 * `as_of` is the end of an ended benefit, else its start (as the WIL example of
 * `trajectory-format.md` §7). `redenBeeindiging`, `leefvorm` and `normbedrag` are not carried.
 */
export interface PwuMapping {
  readonly benefit: NonNullable<DraftRecord['benefit']>;
  readonly asOf: string;
  readonly counters: Readonly<Record<string, number>>;
}

export function mapPwu(pwu: PwuFields): PwuMapping | Refusal {
  const soort = valueOf(pwu.soortUitkering);
  if (soort === undefined) return refuse('required-missing', 'soortUitkering', `one of ${Object.keys(soortUitkeringCodes).join(', ')}`);
  const start = stufDate(pwu.datumAanvang, 'start', 'datumAanvang');
  if (isRefusal(start)) return start;
  if (start === undefined) return refuse('required-missing', 'datumAanvang', 'the first day of the benefit');
  const end = stufDate(pwu.datumEinde, 'end', 'datumEinde');
  if (isRefusal(end)) return end;
  if (end !== undefined && end < start) return refuse('invalid-period', 'datumEinde', 'an end on or after datumAanvang');
  const mapped = soortUitkeringCodes[soort];
  return {
    benefit: { benefit_type: mapped ?? 'OTHER', start_date: start, ...(end !== undefined ? { end_date: end } : {}) },
    asOf: end ?? start,
    counters: mapped === undefined ? { [unmappedCodeCounter('soortuitkering', soort)]: 1 } : {},
  };
}
