import { addDays, addMonths, canaryPersons, generatedPerson, mix32, nthCanary, Prng, type Canaries } from '../../../src/sandbox/index.js';
import { datum } from '../suwiml.js';
import { benefitPayment, entitlement, GEMEENTE_UTRECHT, job, loonheffingennr, UWV_PAYER } from './cast-data.js';
import { dataPerson, type ServedInkomstenverhouding, type ServedPerson } from './served.js';

/**
 * The generated caseload: person n is `generatedPerson(seed, n)` (the same person the ggz and
 * gemeente sandboxes build), and a deterministic share of them has UWV data, with dates relative
 * to the clock's day at load: about 40 % a job, 15 % bijstand (a third of them later a job too),
 * 8 % WW, 5 % WGA, 4 % Wajong; the rest are unknown to UWV. Derived from (seed, n) alone.
 */
type Plan = 'job' | 'bijstand' | 'ww' | 'wga' | 'wajong' | 'none';
const PLANS: ReadonlyArray<readonly [Plan, number]> = [['job', 40], ['bijstand', 15], ['ww', 8], ['wga', 5], ['wajong', 4], ['none', 28]];
const EMPLOYERS = ['Bakkerij', 'Zorgcentrum', 'Supermarkt', 'Hoveniersbedrijf', 'Drukkerij', 'Kringloopwinkel', 'Installatiebedrijf', 'Schoonmaakbedrijf'];

function firstOfMonth(date: string): string {
  return `${date.slice(0, 8)}01`;
}

function lastOfMonth(date: string): string {
  return addDays(firstOfMonth(addMonths(firstOfMonth(date), 1)), -1);
}

function randomJob(prng: Prng, seed: number, n: number, start: string, today: string): ServedInkomstenverhouding {
  const employer = { lhnr: loonheffingennr(70_000_000 + (mix32(seed, n, 0xe3) % 9_000_000)), name: `${prng.pick(EMPLOYERS)} ${prng.pick(['Noord', 'Centrum', 'De Linde', 'Oost', 'Het Plein'])}` };
  const ended = prng.chance(0.2) && start < firstOfMonth(addMonths(today, -3));
  const end = ended ? lastOfMonth(addMonths(start, prng.int(2, 12))) : undefined;
  const cdAardIkv = prng.weighted([['01', 80], ['11', 15], ['78', 3], ['20', 2]] as const);
  return job('1', employer, datum(start), prng.pick([8, 12, 16, 20, 24, 28, 32, 36]), { cdAardIkv, ...(end !== undefined && end < today ? { end: datum(end) } : {}) });
}

export function generatedData(seed: number, n: number, today: string): ServedPerson {
  const person = generatedPerson(seed, n);
  const prng = new Prng(mix32(seed, n, 0x0e3f));
  const plan = prng.weighted(PLANS);
  const start = firstOfMonth(addMonths(today, -prng.int(2, 30)));
  switch (plan) {
    case 'job':
      return dataPerson(person.key, person.bsn, [randomJob(prng, seed, n, start, today)]);
    case 'bijstand': {
      const toWork = prng.chance(0.33) && start < firstOfMonth(addMonths(today, -3));
      if (!toWork) return dataPerson(person.key, person.bsn, [benefitPayment(GEMEENTE_UTRECHT, '43', datum(start))]);
      const jobStart = firstOfMonth(addMonths(start, 2));
      return dataPerson(person.key, person.bsn, [benefitPayment(GEMEENTE_UTRECHT, '43', datum(start), datum(addDays(jobStart, -1))), randomJob(prng, seed, n, jobStart, today)]);
    }
    case 'ww':
      return dataPerson(person.key, person.bsn, [benefitPayment(UWV_PAYER, '33', datum(start))], [entitlement('WW', datum(start), '3600')]);
    case 'wga':
      return dataPerson(person.key, person.bsn, [benefitPayment(UWV_PAYER, '40', datum(start))], [entitlement('WGA', datum(start), '2400')]);
    case 'wajong':
      return dataPerson(person.key, person.bsn, [benefitPayment(UWV_PAYER, '37', datum(start))], [entitlement('WAJ', datum(start), '0000')]);
    default:
      return dataPerson(person.key, person.bsn, []);
  }
}

/**
 * Canary persons (`src/sandbox/canaries.ts`): each has a job whose employer is a natural person
 * (`PersoonAdministratieveEenheid`) carrying the canary name and address, so a privacy test can
 * search every output for them.
 */
export function canaryData(canaries: Canaries | undefined, today: string): ServedPerson[] {
  return canaryPersons(canaries).map((person, k) => {
    const address = nthCanary(canaries?.addresses, k) ?? `${person.street} ${person.houseNumber}`;
    const words = address.trim().split(/\s+/);
    const houseNumber = words.length > 1 ? (words[words.length - 1] ?? '1') : '1';
    const relation = job('1', { lhnr: loonheffingennr(75_000_000 + 2 * k), name: `${person.givenName} ${person.familyName}` }, datum(firstOfMonth(addMonths(today, -6))), 16);
    const employer = {
      name: `${person.givenName} ${person.familyName}`,
      person: { givenNames: person.givenName, familyName: person.familyName, street: words.length > 1 ? words.slice(0, -1).join(' ') : address, houseNumber, postalCode: person.postalCode.replace(' ', ''), city: person.gemeenteName },
    };
    return dataPerson(person.key, person.bsn, [{ ...relation, employer }]);
  });
}
