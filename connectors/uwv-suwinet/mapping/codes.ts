import type { benefitTypes } from '../../../src/trajectory/codes.js';

/**
 * The code lists of spec §5: `CdSrtIkv` → employment, a benefit type, or dropped (pensions);
 * `CdAardIkv` → the employment `relation` and whether the work counts as competitive in the IPS
 * sense. Wire codes stay verbatim here; this is the only place they are translated.
 */
export type BenefitType = (typeof benefitTypes)[number];

export type IkvClass =
  | { readonly kind: 'employment' }
  | { readonly kind: 'benefit'; readonly benefitType: BenefitType; readonly known: boolean }
  | { readonly kind: 'pension' };

const WAGES = new Set(['11', '12', '13', '14', '15', '17']);
const PENSIONS = new Set(['21', '23', '56', '57', '58', '59', '60', '63']);
const BENEFITS: Readonly<Record<string, BenefitType>> = {
  '31': 'ZW', '32': 'WAO', '33': 'WW', '34': 'IOAW', '35': 'WW', '36': 'WAZ', '37': 'WAJONG', '38': 'WAJONG',
  '39': 'WIA_IVA', '40': 'WIA_WGA', '42': 'PW_BBZ', '43': 'PW_BIJSTAND', '45': 'IOAZ', '46': 'TW',
};

/** Spec §5.1. Anything not listed (18, 22, 24, 50–55, 61, 62, unknown) is a benefit `OTHER`. */
export function classifyCdSrtIkv(code: string): IkvClass {
  if (WAGES.has(code)) return { kind: 'employment' };
  if (PENSIONS.has(code)) return { kind: 'pension' };
  const benefitType = BENEFITS[code];
  return benefitType ? { kind: 'benefit', benefitType, known: true } : { kind: 'benefit', benefitType: 'OTHER', known: false };
}

export type Relation = 'employee' | 'temp_agency' | 'self_employed' | 'unknown';

/** Spec §3: `01` employee, `11` temp agency, `78` self-employed; other codes (or none) unknown. */
export function relationOf(cdAardIkv: string | undefined): Relation {
  if (cdAardIkv === '01') return 'employee';
  if (cdAardIkv === '11') return 'temp_agency';
  if (cdAardIkv === '78') return 'self_employed';
  return 'unknown';
}

/** Spec §5.2: wsw (`10`) and beschut werk (`20`) are sheltered, not competitive (U20); UWV cannot tell otherwise. */
export function competitiveOf(cdAardIkv: string | undefined): 'no' | 'unknown' {
  return cdAardIkv === '10' || cdAardIkv === '20' ? 'no' : 'unknown';
}

/** A source code as a count key (`other-cdsrtikv-99`): letters and digits only, so nothing else can leak. */
export function codeCountKey(list: 'cdsrtikv' | 'cdszwet', code: string): string {
  const safe = code.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `other-${list}-${safe === '' || safe.length > 8 ? 'invalid' : safe}`;
}
