import { P1, P2, P3, P4, P5, P6, P7, P8, P9, bsnFromPrefix } from '../../../src/sandbox/index.js';
import { dataPerson, type ServedInkomstenverhouding, type ServedPerson, type ServedUitkeringsverhouding } from './served.js';

/**
 * The UWV side of the shared cast (`partners/README.md` §1): P1 exactly as spec §7.2, P2 as §7.3
 * plus a part-time job, P3/P4/P8 a job, P5 WW, P6 Wajong, P7 unknown to UWV, P9 bijstand. Employers
 * are fictional; loonheffingennummers are `nnnnnnnnnL01` with a number that passes the 11-proef.
 */
export function loonheffingennr(prefix: number): string {
  return `${bsnFromPrefix(prefix)}L01`;
}

/** UWV as the payer of its own benefits (CdSrtIkv 31–40). */
export const UWV_PAYER = { lhnr: loonheffingennr(81_111_111), name: 'UWV Uitkeringen' } as const;
/** Gemeente Utrecht as payer of bijstand: the loonheffingennummer of spec §7.2. */
export const GEMEENTE_UTRECHT = { lhnr: '823456717L01', name: 'Gemeente Utrecht Werk en Inkomen' } as const;
/** P1's employer with the loonkostensubsidie placement (spec §7.2, gemeente spec 4.4). */
export const GRAND_CAFE = { lhnr: '812345605L01', name: 'Grand Café De Zaak' } as const;

const employee = { kind: 'employment', relation: 'employee', competitive: 'unknown' } as const;

export function job(volgnr: string, employer: { lhnr: string; name: string }, start: string, weeklyHours: number, options: { end?: string; cdAardIkv?: string; cdSrtIkv?: string } = {}): ServedInkomstenverhouding {
  const cdAardIkv = options.cdAardIkv ?? '01';
  const relation = cdAardIkv === '01' ? 'employee' : cdAardIkv === '11' ? 'temp_agency' : cdAardIkv === '78' ? 'self_employed' : 'unknown';
  return {
    volgnr,
    loonheffingennr: employer.lhnr,
    employer: { name: employer.name },
    start,
    ...(options.end ? { end: options.end } : {}),
    periods: [{ start, ...(options.end ? { end: options.end } : {}), cdSrtIkv: options.cdSrtIkv ?? '15', cdAardIkv }],
    weeklyHours,
    monthlyCents: Math.round(weeklyHours * 4.33 * 1450),
    expected: [{ kind: 'employment', relation, competitive: cdAardIkv === '10' || cdAardIkv === '20' ? 'no' : 'unknown' }],
  };
}

const BENEFIT_OF_IKV: Readonly<Record<string, string>> = { '31': 'ZW', '33': 'WW', '37': 'WAJONG', '39': 'WIA_IVA', '40': 'WIA_WGA', '43': 'PW_BIJSTAND' };

export function benefitPayment(payer: { lhnr: string; name: string }, cdSrtIkv: string, start: string, end?: string): ServedInkomstenverhouding {
  return {
    volgnr: '1',
    loonheffingennr: payer.lhnr,
    employer: { name: payer.name },
    start,
    ...(end ? { end } : {}),
    periods: [{ start, ...(end ? { end } : {}), cdSrtIkv }],
    weeklyHours: 0,
    monthlyCents: 114_235,
    expected: [{ kind: 'benefit', benefitType: BENEFIT_OF_IKV[cdSrtIkv] ?? 'OTHER' }],
  };
}

const SZ_WET_BENEFIT: Readonly<Record<string, string>> = { WW: 'WW', ZW: 'ZW', WAO: 'WAO', WAZ: 'WAZ', IVA: 'WIA_IVA', WGA: 'WIA_WGA', WAJ: 'WAJONG', TW: 'TW' };

export function entitlement(cdSzWet: string, start: string, hoursBasis: string, end?: string): ServedUitkeringsverhouding {
  return { cdSzWet, start, ...(end ? { end } : {}), hoursBasis, monthlyCents: 121_050, expected: { kind: 'benefit', benefitType: SZ_WET_BENEFIT[cdSzWet] ?? 'OTHER' } };
}

export function castData(): ServedPerson[] {
  const p1Bijstand: ServedInkomstenverhouding = { ...benefitPayment(GEMEENTE_UTRECHT, '43', '20230301', '20250531') };
  const p1Job: ServedInkomstenverhouding = { ...job('1', GRAND_CAFE, '20250601', 24), expected: [employee] };
  return [
    dataPerson('P1', P1.bsn, [p1Bijstand, p1Job]),
    {
      ...dataPerson('P2', P2.bsn, [benefitPayment(UWV_PAYER, '40', '20220915'), job('1', { lhnr: loonheffingennr(83_456_780), name: 'Bakkerij Het Zoete Brood' }, '20230403', 12)], [entitlement('WGA', '20220915', '3200')]),
      aoKlasse: { klasse: '5', since: '20220915' },
    },
    dataPerson('P3', P3.bsn, [job('1', { lhnr: loonheffingennr(84_567_890), name: 'Fietsenmaker De Ketting' }, '20240902', 32)]),
    dataPerson('P4', P4.bsn, [job('1', { lhnr: loonheffingennr(85_678_900), name: 'Uitzendbureau Flex Midden' }, '20240115', 20, { cdAardIkv: '11' })]),
    dataPerson('P5', P5.bsn, [benefitPayment(UWV_PAYER, '33', '20241101')], [entitlement('WW', '20241101', '3800')]),
    dataPerson('P6', P6.bsn, [benefitPayment(UWV_PAYER, '37', '20190708')], [entitlement('WAJ', '20190708', '0000')]),
    dataPerson('P7', P7.bsn, []),
    dataPerson('P8', P8.bsn, [job('1', { lhnr: loonheffingennr(86_789_010), name: 'Hovenier Groen en Zo' }, '20250106', 28)]),
    dataPerson('P9', P9.bsn, [benefitPayment(GEMEENTE_UTRECHT, '43', '20240301')]),
  ];
}
