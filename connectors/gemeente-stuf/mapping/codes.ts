import type { benefitTypes, endCodes, fundingStreams } from '../../../src/trajectory/codes.js';

/**
 * The wire code lists of spec §3.3–3.5 and §5 with their werkbrug codes (`reference/*.csv`). Wire
 * codes stay verbatim here; the mapping translates them once.
 */
type BenefitType = (typeof benefitTypes)[number];
type FundingStream = (typeof fundingStreams)[number];
type EndCode = (typeof endCodes)[number];

/** §5.1. */
export const typeVoorzieningCodes = ['IPS', 'LKS', 'BESCHUT', 'JOBCOACH', 'PROEFPLAATSING', 'WERKPLEK', 'AANPASSING', 'TRAJECT', 'OVERIG'] as const;

/**
 * §5.2. `LKS` and `JOBCOACH` are employment-level instruments (`GEM_LKS`, `JOBCOACH_GEM`) and never a
 * trajectory's funding stream: a provision financed that way is `OTHER` at trajectory level (the
 * source does know its funding, so not `UNKNOWN`), and the code is counted like other unmapped ones.
 */
export const financieringCodes: Readonly<Record<string, FundingStream>> = {
  'SUBSIDIE-IPS': 'GEM_IPS_SUBSIDIE',
  PARTICIPATIEBUDGET: 'GEM_REINTEGRATIE',
  WMO: 'WMO_BEGELEIDING',
  ONBEKEND: 'UNKNOWN',
};

/** §3.3 (`reference/benefit-types.csv`). */
export const soortUitkeringCodes: Readonly<Record<string, BenefitType>> = { PW: 'PW_BIJSTAND', BBZ: 'PW_BBZ', IOAW: 'IOAW', IOAZ: 'IOAZ' };

/** §5.3; `99` (and nil on an ended object) is END_UNKNOWN. */
export const redenBeeindigingCodes: Readonly<Record<string, EndCode>> = {
  '01': 'END_WORK_SUSTAINED', '02': 'END_MAX_DURATION', '03': 'END_CLIENT_STOPPED', '04': 'END_HEALTH', '05': 'END_MOVED',
  '06': 'END_TRANSFER', '07': 'END_NO_CONTACT', '08': 'END_CARE_ENDED', '98': 'END_OTHER', '99': 'END_UNKNOWN',
};

/** §3.5. */
export const soortLoonkostensubsidieCodes = ['LKS', 'LKS-FORFAITAIR', 'LKS-TIJDELIJK'] as const;

/**
 * The run-summary counter for a wire code mapped to `OTHER` (spec: "source code logged"): a code,
 * never a person. Keys fit the core's counter names (`[a-z][a-z0-9-]{0,39}`).
 */
export function unmappedCodeCounter(element: 'soortuitkering' | 'financiering', code: string): string {
  // Only what looks like a code becomes part of a key: a value with a long digit run or free
  // text (a name typed in the wrong field) is counted, never repeated.
  if (!/^[A-Za-z0-9-]{1,12}$/.test(code) || /[0-9]{5,}/.test(code)) return `unmapped-${element}-other`;
  return `unmapped-${element}-${code.toLowerCase()}`;
}
