import { CAST, CAST_INVALID, type SandboxPerson } from './cast.js';
import { GEMEENTEN_MIDDEN_UTRECHT } from './gemeenten.js';
import { mix32, Prng } from './prng.js';

/**
 * Generated persons beyond the cast, derived from (seed, n) alone so any sandbox can build person
 * n without building 1…n−1, and the three sandboxes agree on who person n is. BSNs come from the
 * range 900000000–989999999 (the cast lives at 99999xxxx and 010000021), all pass the 11-proef and
 * are distinct for n up to {@link MAX_GENERATED_PERSONS}.
 */
export const MAX_GENERATED_PERSONS = 4_500_000;

const PERMUTATION_SIZE = MAX_GENERATED_PERSONS;
// Coprime with 4,500,000 (= 2^5·3^2·5^6), so n ↦ (A·n + b) mod size is a permutation.
const PERMUTATION_STEP = 3_277_777;

/** The 11-proef check digit for an 8-digit prefix, or undefined when none exists (remainder 10). */
export function elfproefCheckDigit(prefix8: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(prefix8[i]) * (9 - i);
  const digit = sum % 11;
  return digit === 10 ? undefined : digit;
}

/** A valid BSN from an 8-digit prefix; when that prefix has no check digit, from prefix + 1. */
export function bsnFromPrefix(prefix: number): string {
  const first = String(prefix).padStart(8, '0');
  const digit = elfproefCheckDigit(first);
  if (digit !== undefined) return `${first}${digit}`;
  // Raising the last prefix digit (weight 2) moves a remainder of 10 to 1, which is valid.
  const second = String(prefix + 1).padStart(8, '0');
  return `${second}${elfproefCheckDigit(second) ?? 0}`;
}

/** The BSN of generated person n (1-based) for a seed. */
export function generatedBsn(seed: number, n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_GENERATED_PERSONS) throw new RangeError(`generated person number must be 1..${MAX_GENERATED_PERSONS}`);
  const offset = mix32(seed, 0xb5) % PERMUTATION_SIZE;
  // step × n stays below 2^53, so plain numbers are exact.
  const m = (((PERMUTATION_STEP * (n - 1)) % PERMUTATION_SIZE) + offset) % PERMUTATION_SIZE;
  // Even prefixes only: the odd neighbour is the fallback, so no two persons share a prefix.
  return bsnFromPrefix(90_000_000 + 2 * m);
}

const FEMALE = ['Emma', 'Julia', 'Sophie', 'Anna', 'Lisa', 'Fleur', 'Sara', 'Noa', 'Iris', 'Lieke', 'Yara', 'Fenna', 'Maud', 'Roos', 'Esmee', 'Ayşe', 'Fatima', 'Zoë', 'Mila', 'Chantal', 'Ingrid', 'Marieke', 'Anouk', 'Hanna'];
const MALE = ['Daan', 'Sem', 'Lucas', 'Milan', 'Levi', 'Jesse', 'Thomas', 'Bram', 'Ruben', 'Stijn', 'Youssef', 'Mehmet', 'Jeroen', 'Pieter', 'Bas', 'Mark', 'Niels', 'IJsbrand', 'Kevin', 'Rachid', 'Sven', 'Tim', 'Wouter', 'Gijs'];
const FAMILY: ReadonlyArray<readonly [string | undefined, string]> = [
  ['de', 'Jong'], [undefined, 'Jansen'], ['de', 'Vries'], ['van den', 'Berg'], ['van', 'Dijk'], [undefined, 'Bakker'], [undefined, 'Janssen'],
  [undefined, 'Visser'], [undefined, 'Smit'], [undefined, 'Meijer'], ['de', 'Boer'], [undefined, 'Mulder'], ['de', 'Groot'], [undefined, 'Bos'],
  [undefined, 'Vos'], [undefined, 'Peters'], [undefined, 'Hendriks'], ['van', 'Leeuwen'], [undefined, 'Dekker'], [undefined, 'Brouwer'],
  ['de', 'Wit'], [undefined, 'Dijkstra'], [undefined, 'Smits'], ['de', 'Graaf'], ['van der', 'Meer'], ['van der', 'Linden'], [undefined, 'Kok'],
  [undefined, 'Jacobs'], ['de', 'Haan'], [undefined, 'Vermeulen'], [undefined, 'Yıldız'], [undefined, 'Öztürk'], [undefined, 'El Idrissi'],
  [undefined, 'Nguyen'], [undefined, 'Kaya'], [undefined, 'Çelik'], [undefined, 'Boukhari'], [undefined, 'Pinas'], ["'t", 'Hart'], ['van', 'Wijk'],
];
const STREETS = ['Kerkstraat', 'Dorpsstraat', 'Molenweg', 'Schoolstraat', 'Stationsweg', 'Julianalaan', 'Beatrixstraat', 'Lindelaan', 'Wilhelminastraat',
  'Nieuwstraat', 'Eikenlaan', 'Marktplein', 'Kastanjelaan', 'Prinses Irenestraat', 'Vondellaan', 'Rembrandtlaan', 'Merelstraat', 'Gildenstraat',
  'Hoofdstraat', 'Burgemeester Norbruislaan', 'Zandweg', 'Lange Nieuwstraat', 'Populierenlaan', 'Sterrenlaan'];
// Dutch postcodes never use SA, SD or SS as letters.
const LETTERS = [...'ABCDEFGHJKLMNPRSTVWXZ'];
const EITHER = [...FEMALE, ...MALE];
const BY_WEIGHT = GEMEENTEN_MIDDEN_UTRECHT.map((candidate) => [candidate, candidate.weight] as const);

function postcodeLetters(prng: Prng): string {
  for (;;) {
    const pair = `${prng.pick(LETTERS)}${prng.pick(LETTERS)}`;
    if (pair !== 'SA' && pair !== 'SD' && pair !== 'SS') return pair;
  }
}

/** Generated person n (1-based) for a seed: always the same person for the same (seed, n). */
export function generatedPerson(seed: number, n: number): SandboxPerson {
  const bsn = generatedBsn(seed, n);
  const prng = new Prng(mix32(seed, n, 0x5eed));
  const gender = prng.weighted([['female', 49], ['male', 49], ['other', 2]] as const);
  const givenName = prng.pick(gender === 'female' ? FEMALE : gender === 'male' ? MALE : EITHER);
  const [familyPrefix, familyName] = prng.pick(FAMILY);
  const year = prng.int(1960, 2007);
  const birthDate = `${year}-${String(prng.int(1, 12)).padStart(2, '0')}-${String(prng.int(1, 28)).padStart(2, '0')}`;
  const gemeente = prng.weighted(BY_WEIGHT);
  const postcode = `${prng.int(gemeente.postcodes[0], gemeente.postcodes[1])} ${postcodeLetters(prng)}`;
  const houseNumber = `${prng.int(1, 240)}${prng.chance(0.08) ? prng.pick(['A', 'B', 'bis']) : ''}`;
  return {
    key: `G${String(n).padStart(6, '0')}`,
    bsn,
    givenName,
    ...(familyPrefix ? { familyPrefix } : {}),
    familyName,
    gender,
    birthDate,
    gemeenteCode: gemeente.code,
    gemeenteName: gemeente.name,
    street: prng.pick(STREETS),
    houseNumber,
    postalCode: postcode,
    phone: `+316${String(prng.int(10_000_000, 99_999_999))}`,
  };
}

/** The first `count` generated persons, for callers that want them all at once (not the volume path). */
export function generatePersons(seed: number, count: number): SandboxPerson[] {
  return Array.from({ length: count }, (_, i) => generatedPerson(seed, i + 1));
}

/** BSNs the generator never yields: the cast's (valid and invalid). */
export const RESERVED_BSNS: ReadonlySet<string> = new Set([...CAST, ...CAST_INVALID].map((person) => person.bsn));
