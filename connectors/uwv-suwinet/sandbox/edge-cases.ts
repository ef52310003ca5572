import { addDays, addMonths, bsnFromPrefix, P3, P7 } from '../../../src/sandbox/index.js';
import { datum } from '../suwiml.js';
import { benefitPayment, entitlement, job, loonheffingennr } from './cast-data.js';
import { dataPerson, type ServedInkomstenverhouding, type ServedPerson, type ServedReturn } from './served.js';

/**
 * The edge cases of spec §8 (scenario `edge-cases`), each with a stable id. Most get a person of
 * their own (BSNs 994xxxxxx, valid, never generated); U01 is P7 and U20 is a second relation of
 * P3, as the spec asks for cast persons there. Dates that must be relative to "today" are built
 * from the clock's day at load.
 */
export interface EdgeCase {
  readonly id: string;
  readonly personKey: string;
  readonly bsn: string;
  readonly served: string;
  readonly expected: string;
}

export function edgeCaseBsn(index: number): string {
  return bsnFromPrefix(99_400_000 + 2 * index);
}

/** The BSN U03's answers carry instead of the one asked. */
export const U03_ANSWER_BSN = bsnFromPrefix(99_499_990);

const employer = (k: number, name: string) => ({ lhnr: loonheffingennr(76_000_000 + 2 * k), name });

function monthly(start: string, months: number, hours: number): ServedReturn[] {
  return Array.from({ length: months }, (_, i) => {
    const from = addMonths(start, i);
    return { start: datum(from), end: datum(addDays(addMonths(from, 1), -1)), hours, amountCents: hours * 1450 };
  });
}

export interface EdgeCaseSet {
  readonly persons: readonly ServedPerson[];
  readonly cases: readonly EdgeCase[];
  /** Extra relations for cast persons (U20), by cast key. */
  readonly castExtras: Readonly<Record<string, readonly ServedInkomstenverhouding[]>>;
}

export function edgeCaseSet(today: string): EdgeCaseSet {
  const recent = `${addMonths(today, -8).slice(0, 8)}01`;
  const cases: EdgeCase[] = [];
  const persons: ServedPerson[] = [];
  const add = (id: string, served: string, expected: string, person: ServedPerson, index: number): void => {
    const bsn = edgeCaseBsn(index);
    persons.push({ ...person, key: id, bsn });
    cases.push({ id, personKey: id, bsn, served, expected });
  };
  const plain = (k: number) => job('1', employer(k, `Werkgever U${k}`), datum(recent), 24);
  const data = (ikv: ServedInkomstenverhouding[], uv: Parameters<typeof dataPerson>[3] = []): ServedPerson => dataPerson('', '', ikv, uv);

  cases.push({ id: 'U01', personKey: 'P7', bsn: P7.bsn, served: 'fwi:NietsGevonden for both services', expected: 'empty snapshots, not an error' });
  add('U02', 'fwi:FWI/Fout FWI0020 in a 200 answer', 'counted refused-by-uwv, no retry, no snapshot', { ...data([]), ikvAnswer: { kind: 'fwi-refusal', code: 'FWI0020' }, wvAnswer: { kind: 'fwi-refusal', code: 'FWI0020' } }, 2);
  add('U03', 'answers about another BSN', 'bsn-mismatch, answers discarded, no snapshot', { ...data([plain(3)], [entitlement('WW', datum(recent), '3600')]), answerBsn: U03_ANSWER_BSN }, 3);
  add('U04a', 'answers without wsa:RelatesTo', 'discarded, asked again once, then the person fails', { ...data([plain(4)]), relatesTo: 'omit' }, 4);
  add('U04b', 'answers relating to another MessageID', 'discarded, asked again once, then the person fails', { ...data([plain(5)]), relatesTo: 'other' }, 5);
  add('U05', 'relation without DatEIkv; DatEIkp 99991230', 'open-ended employment', data([{ ...plain(6), periods: [{ start: datum(recent), end: '99991230', cdSrtIkv: '15', cdAardIkv: '01' }] }]), 6);
  const u06 = (k: number, start: string, end: string | undefined, expected: ServedInkomstenverhouding['expected']): ServedInkomstenverhouding => ({
    ...job(String(k), employer(7, 'Werkgever U06'), start, 0), ...(end ? { end } : {}), periods: [{ start, ...(end ? { end } : {}), cdSrtIkv: '15', cdAardIkv: '01' }], weeklyHours: 0, returns: [], expected,
  });
  add('U06', 'DatBIkv 20210300; DatBIkv 20210000; DatEIkv 00000000', '2021-03-31; invalid-date (that relation only); open-ended', data([
    u06(1, '20210300', undefined, [{ kind: 'employment', relation: 'employee', competitive: 'unknown' }]),
    u06(2, '20210000', undefined, [{ kind: 'rejected', reason: 'invalid-date' }]),
    u06(3, '20220101', '00000000', [{ kind: 'employment', relation: 'employee', competitive: 'unknown' }]),
  ]), 7);
  add('U07', 'two relations with VolgnrIkv 1 at different employers', 'both kept', data([job('1', employer(8, 'Werkgever U07a'), datum(recent), 16), job('1', employer(9, 'Werkgever U07b'), datum(recent), 12)]), 8);
  const u08Switch = `${addMonths(recent, 3).slice(0, 8)}01`;
  add('U08', 'one relation whose CdAardIkv changes from 11 to 01', 'two employment records: temp_agency, then employee', data([{
    ...job('1', employer(10, 'Uitzendbureau U08'), datum(recent), 24),
    periods: [{ start: datum(recent), end: datum(addDays(u08Switch, -1)), cdSrtIkv: '15', cdAardIkv: '11' }, { start: datum(u08Switch), cdSrtIkv: '15', cdAardIkv: '01' }],
    expected: [{ kind: 'employment', relation: 'temp_agency', competitive: 'unknown' }, { kind: 'employment', relation: 'employee', competitive: 'unknown' }],
  }]), 10);
  add('U09', 'PersoonAdministratieveEenheid (a household as employer) with names and an address', 'dropped; employer_key from the loonheffingennummer', data([{
    ...job('1', employer(11, 'Huishouden'), datum(recent), 8),
    employer: { name: 'Huishouden Verbeek', person: { givenNames: 'Wilhelmina Johanna', prefix: 'van', familyName: 'Verbeek', street: 'Zilverschoonlaan', houseNumber: '17', postalCode: '3451BX', city: 'VLEUTEN' } },
  }]), 11);
  // January and February of the year three months back: inside a two-year question, complete.
  const year = addMonths(today, -3).slice(0, 4);
  const jan = `${year}-01-01`;
  const febEnd = addDays(`${year}-03-01`, -1);
  add('U10', 'returns of 92 h (January), 92 h (February) and a correcting -16 h for February with a negative amount', 'netted: 168 h over 59 days → H12_19; amounts dropped', data([{
    ...job('1', employer(12, 'Werkgever U10'), datum(jan), 0, { end: datum(febEnd) }),
    returns: [
      { start: datum(jan), end: `${year}0131`, hours: 92, amountCents: 133_400 },
      { start: `${year}0201`, end: datum(febEnd), hours: 92, amountCents: 133_400 },
      { start: `${year}0201`, end: datum(febEnd), hours: -16, amountCents: -23_200 },
    ],
  }]), 12);
  add('U11', 'deprecated CdTypeArbeidscontract, AantSvDagenIko, CdSectorRisicogroep', 'accepted; kept or dropped per §3', data([{
    ...job('1', employer(13, 'Werkgever U11'), datum(recent), 0),
    periods: [{ start: datum(recent), cdSrtIkv: '15', cdAardIkv: '01', cdTypeArbeidscontract: 'O' }],
    returns: [{ start: datum(recent), end: datum(addDays(addMonths(recent, 1), -1)), hours: 150, amountCents: 210_000, svDays: 23 }],
    extraXml: '<SectorRisicogroepIkv><CdSectorRisicogroep>3300</CdSectorRisicogroep></SectorRisicogroepIkv>',
  }]), 13);
  add('U12', 'CdSrtIkv 99; CdSzWet XYZ', 'benefit OTHER twice, source codes counted', data(
    [{ ...benefitPayment(employer(14, 'Uitbetaler U12'), '99', datum(recent)), expected: [{ kind: 'benefit', benefitType: 'OTHER' }] }],
    [{ ...entitlement('XYZ', datum(recent), '2000'), expected: { kind: 'benefit', benefitType: 'OTHER' } }],
  ), 14);
  add('U13', 'pension relations (CdSrtIkv 21 and 56)', 'dropped at the edge', data([
    { ...benefitPayment(employer(15, 'Pensioenfonds U13'), '21', datum(recent)), expected: [{ kind: 'dropped' }] },
    { ...benefitPayment(employer(16, 'Lijfrente U13'), '56', datum(recent)), volgnr: '2', expected: [{ kind: 'dropped' }] },
  ]), 15);
  const tenYearsAgo = `${addMonths(today, -120).slice(0, 8)}01`;
  add('U14', 'ten years of monthly returns at six employers (about 2 MB)', 'parsed within limits', data(Array.from({ length: 6 }, (_, k) => ({
    ...job(String(k + 1), employer(20 + k, `Werkgever U14-${k + 1}`), datum(tenYearsAgo), 8), returns: monthly(tenYearsAgo, 119, 35), verbose: true,
  }))), 16);
  add('U15', 'an unknown element inside Inkomstenverhouding', 'ignored', data([{ ...plain(17), extraXml: '<IndNieuwGegeven2027>1</IndNieuwGegeven2027>' }]), 17);
  add('U16a', 'the body root with prefix ns3', 'parsed by namespace', { ...data([plain(18)]), rootStyle: 'ns3' }, 18);
  add('U16b', 'the body root in a default namespace, xmlns="" on ClientSuwi', 'parsed by namespace', { ...data([plain(19)]), rootStyle: 'default-with-empty' }, 19);
  add('U16c', 'the body root in a default namespace without xmlns="" (children in the service namespace)', 'accepted with a warning (counted)', { ...data([plain(20)]), rootStyle: 'default-without-empty' }, 20);
  add('U17', 'PeriodeGegevensleveringIko shorter than asked', 'the inkomsten snapshot covers only the delivered period', { ...data([plain(21)]), deliveredFrom: `${addMonths(today, -6).slice(0, 8)}01` }, 21);
  add('U18', 'ClientSuwi plus fwi:FWI/Waarschuwing FWI0060', 'data kept, warning counted', { ...data([plain(22)]), warning: 'FWI0060' }, 22);
  add('U19', 'CdSrtIkv 40 paid by an insurer (eigenrisicodrager)', 'WIA_WGA kept', data([benefitPayment(employer(23, 'Verzekeraar Zekerheid N.V.'), '40', datum(recent))]), 23);
  cases.push({ id: 'U20', personKey: 'P3', bsn: P3.bsn, served: 'a second relation of P3 with CdAardIkv 20 (beschut werk)', expected: 'employment kept, competitive no' });
  add('U21', 'AantWerkurenPerWeekGrondslagUitk 2460', 'invalid-value', data([], [{ ...entitlement('WW', datum(recent), '2460'), expected: { kind: 'rejected', reason: 'invalid-value' } }]), 24);
  const u20 = job('2', employer(25, 'Beschut Werk Lekstroom'), datum(recent), 20, { cdAardIkv: '20' });
  return { persons, cases, castExtras: { P3: [u20] } };
}
