import { addDays, amsterdamLocal, bsnFromPrefix, mix32, Prng, type SandboxPerson } from '../../../src/sandbox/index.js';
import type { ObjectPlan, PlannedMutation } from './object-plan.js';
import type { LksState, PwuState, RivState, StufClient } from './objects.js';

/**
 * What the suite holds about generated person n (the same person as in the other sandboxes,
 * `generatedPerson(seed, n)`), drawn from a PRNG of (seed, n) alone so any n can be rebuilt
 * without the others: about 60% an IPS provision (mostly granted and started, some refused or
 * still pending, some ended), some another provision, about 45% a benefit, some a
 * loonkostensubsidie placement, and a few provisions registered and removed again. Only events
 * up to `today` exist; dates are relative to it.
 */
const END_REASONS = [['01', 30], ['02', 15], ['03', 20], ['04', 15], ['05', 5], ['06', 5], ['07', 5], ['98', 3], ['99', 2]] as const;
const EMPLOYERS = ['Bakkerij Het Volkoren B.V.', 'Fietsenmakerij Lekstroom', 'Groenvoorziening Midden B.V.', 'Hotel De Domtoren', 'Logistiek Centrum Nieuwegein B.V.', 'Supermarkt De Hoek', 'Zorgcentrum De Linde', 'Drukkerij Stichtse Vecht'];
const OTHER_TYPES = ['JOBCOACH', 'TRAJECT', 'WERKPLEK', 'PROEFPLAATSING', 'BESCHUT', 'AANPASSING', 'OVERIG'] as const;

function pad6(n: number): string {
  return String(n).padStart(6, '0');
}

function clientOf(person: SandboxPerson, full: boolean): StufClient {
  if (!full) return { bsn: person.bsn, birthDate: person.birthDate };
  return {
    bsn: person.bsn, familyName: person.familyName, ...(person.familyPrefix ? { familyPrefix: person.familyPrefix } : {}), givenNames: person.givenName,
    birthDate: person.birthDate, gender: person.gender === 'female' ? 'V' : person.gender === 'male' ? 'M' : 'O',
    address: { street: person.street, houseNumber: person.houseNumber, postalCode: person.postalCode, city: person.gemeenteName },
  };
}

interface Dates {
  readonly today: string;
  readonly prng: Prng;
}

function when(date: string, prng: Prng): number {
  return amsterdamLocal(date, `${prng.int(8, 16)}:${String(prng.int(0, 59)).padStart(2, '0')}`);
}

function ipsPlan(person: SandboxPerson, n: number, { today, prng }: Dates): { plan: ObjectPlan; started?: string } {
  const aanvraag = addDays(today, -prng.int(20, 900));
  const financiering = prng.weighted([['SUBSIDIE-IPS', 80], ['PARTICIPATIEBUDGET', 15], ['ONBEKEND', 5]] as const);
  const verwijzer = prng.weighted([['GGZ', 60], ['GEM', 20], ['UWV', 5], ['HA', 5], ['ZELF', 10]] as const);
  const outcome = prng.weighted([['granted', 70], ['refused', 10], ['pending', 20]] as const);
  const base: RivState = {
    typeVoorziening: 'IPS', doel: 'W', indicatieIps: 'J', verwijzer, financiering, datumAanvraag: aanvraag,
    ...(verwijzer === 'GGZ' ? { kenmerkVerwijzing: `VW-${aanvraag.slice(0, 4)}-${pad6(n)}` } : {}),
  };
  const mutations: PlannedMutation[] = [{ soort: 'T', atMs: when(aanvraag, prng), state: { type: 'RIV', riv: base } }];
  const besluitDatum = addDays(aanvraag, prng.int(7, 28));
  let started: string | undefined;
  if (outcome !== 'pending' && besluitDatum <= today) {
    const decided: RivState = { ...base, besluit: outcome === 'granted' ? 'TOEGEKEND' : 'AFGEWEZEN', datumBesluit: besluitDatum };
    mutations.push({ soort: 'W', atMs: when(besluitDatum, prng), state: { type: 'RIV', riv: decided } });
    const aanvang = addDays(besluitDatum, prng.int(3, 21));
    if (outcome === 'granted' && aanvang <= today) {
      started = aanvang;
      const running: RivState = { ...decided, datumAanvang: aanvang };
      mutations.push({ soort: 'W', atMs: when(aanvang, prng), state: { type: 'RIV', riv: running } });
      const einde = addDays(aanvang, prng.int(120, 700));
      if (prng.chance(0.15) && einde <= today) {
        mutations.push({ soort: 'W', atMs: when(addDays(einde, 1), prng), state: { type: 'RIV', riv: { ...running, datumEinde: einde, redenBeeindiging: prng.weighted(END_REASONS) } } });
      }
    }
  }
  const gemeente = person.gemeenteCode;
  const plan: ObjectPlan = {
    key: { type: 'RIV', identificatie: `${gemeente}-RV-${aanvraag.slice(0, 4)}-1${pad6(n)}`, sleutel: `RV1${pad6(n)}`, gemeentecode: gemeente },
    client: clientOf(person, true), person: person.key, mutations,
  };
  return started ? { plan, started } : { plan };
}

function otherRivPlan(person: SandboxPerson, n: number, { today, prng }: Dates): ObjectPlan {
  const aanvang = addDays(today, -prng.int(10, 700));
  const riv: RivState = {
    typeVoorziening: prng.pick(OTHER_TYPES), doel: prng.chance(0.8) ? 'W' : 'P', indicatieIps: 'N', verwijzer: prng.pick(['GEM', 'UWV', 'ZELF']),
    financiering: prng.weighted([['PARTICIPATIEBUDGET', 70], ['WMO', 15], ['JOBCOACH', 15]] as const), datumAanvang: aanvang,
  };
  return {
    key: { type: 'RIV', identificatie: `${person.gemeenteCode}-RV-${aanvang.slice(0, 4)}-3${pad6(n)}`, sleutel: `RV3${pad6(n)}`, gemeentecode: person.gemeenteCode },
    client: clientOf(person, true), person: person.key, mutations: [{ soort: 'T', atMs: when(aanvang, prng), state: { type: 'RIV', riv } }],
  };
}

function pwuPlan(person: SandboxPerson, n: number, { today, prng }: Dates): ObjectPlan {
  const aanvang = addDays(today, -prng.int(60, 1500));
  const pwu: PwuState = { soortUitkering: prng.weighted([['PW', 85], ['BBZ', 5], ['IOAW', 6], ['IOAZ', 4]] as const), datumAanvang: aanvang, leefvorm: prng.pick(['A', 'E', 'G']), normbedrag: `${prng.int(1100, 1900)}.${String(prng.int(0, 99)).padStart(2, '0')}` };
  const mutations: PlannedMutation[] = [{ soort: 'T', atMs: when(addDays(aanvang, 1), prng), state: { type: 'PWU', pwu } }];
  const einde = addDays(aanvang, prng.int(90, 1000));
  if (prng.chance(0.35) && einde < today) {
    mutations.push({ soort: 'W', atMs: when(addDays(einde, 1), prng), state: { type: 'PWU', pwu: { ...pwu, datumEinde: einde, redenBeeindiging: prng.weighted([['WA', 50], ['IP', 15], ['VH', 15], ['AN', 20]] as const) } } });
  }
  return {
    key: { type: 'PWU', identificatie: `${person.gemeenteCode}-PW-${aanvang.slice(0, 4)}-1${pad6(n)}`, sleutel: `PW1${pad6(n)}`, gemeentecode: person.gemeenteCode },
    client: clientOf(person, false), person: person.key, mutations,
  };
}

/** A loonheffingennummer: nine digits that pass the 11-proef, `L`, two digits. */
export function loonheffingennummer(k: number): string {
  return `${bsnFromPrefix(81_000_000 + 2 * k)}L01`;
}

function lksPlan(person: SandboxPerson, n: number, rivId: string, started: string, { today, prng }: Dates): ObjectPlan | undefined {
  const aanvang = addDays(started, prng.int(30, 200));
  if (aanvang > today) return undefined;
  const fixedTerm = prng.chance(0.6);
  const lks: LksState = {
    soortLoonkostensubsidie: prng.weighted([['LKS', 80], ['LKS-FORFAITAIR', 10], ['LKS-TIJDELIJK', 10]] as const), datumAanvang: aanvang,
    loonwaardePercentage: String(prng.int(30, 90)), urenPerWeek: prng.pick(['12.00', '16.00', '20.00', '24.00', '28.00', '32.00', '36.00', '38.00']),
    werkgever: { loonheffingennummer: loonheffingennummer(prng.int(0, 4999)), kvkNummer: String(prng.int(10_000_000, 99_999_999)), naam: prng.pick(EMPLOYERS) },
    arbeidsovereenkomst: { datumIngang: aanvang, ...(fixedTerm ? { datumEinde: addDays(aanvang, prng.pick([182, 364])) } : {}), soort: fixedTerm ? 'B' : 'O' },
    hoortBijVoorziening: rivId,
  };
  return {
    key: { type: 'LKS', identificatie: `${person.gemeenteCode}-LKS-${aanvang.slice(0, 4)}-1${pad6(n)}`, sleutel: `LK1${pad6(n)}`, gemeentecode: person.gemeenteCode },
    client: { bsn: person.bsn }, person: person.key, mutations: [{ soort: 'T', atMs: when(aanvang, prng), state: { type: 'LKS', lks } }],
  };
}

function removedPlan(person: SandboxPerson, n: number, { today, prng }: Dates): ObjectPlan {
  const aanvraag = addDays(today, -prng.int(30, 600));
  const riv: RivState = { typeVoorziening: 'IPS', doel: 'W', indicatieIps: 'J', verwijzer: 'GGZ', financiering: 'SUBSIDIE-IPS', datumAanvraag: aanvraag };
  return {
    key: { type: 'RIV', identificatie: `${person.gemeenteCode}-RV-${aanvraag.slice(0, 4)}-2${pad6(n)}`, sleutel: `RV2${pad6(n)}`, gemeentecode: person.gemeenteCode },
    client: clientOf(person, true), person: person.key,
    mutations: [{ soort: 'T', atMs: when(aanvraag, prng), state: { type: 'RIV', riv } }, { soort: 'V', atMs: when(addDays(aanvraag, prng.int(1, 20)), prng) }],
  };
}

/** The objects of generated person n; `person` is `generatedPerson(seed, n)`. */
export function generatedPlans(seed: number, n: number, person: SandboxPerson, today: string): ObjectPlan[] {
  const dates: Dates = { today, prng: new Prng(mix32(seed, n, 0x6e3e)) };
  const { prng } = dates;
  const plans: ObjectPlan[] = [];
  if (prng.chance(0.6)) {
    const ips = ipsPlan(person, n, dates);
    plans.push(ips.plan);
    if (ips.started && prng.chance(0.3)) {
      const lks = lksPlan(person, n, ips.plan.key.identificatie, ips.started, dates);
      if (lks) plans.push(lks);
    }
  } else if (prng.chance(0.25)) plans.push(otherRivPlan(person, n, dates));
  if (prng.chance(0.45)) plans.push(pwuPlan(person, n, dates));
  if (prng.chance(0.03)) plans.push(removedPlan(person, n, dates));
  return plans;
}
