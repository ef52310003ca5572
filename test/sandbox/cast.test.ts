import { describe, expect, it } from 'vitest';
import { CAST, CAST_INVALID, P1, P8, fullName, isCastId } from '../../src/sandbox/cast.js';
import { GEMEENTEN_MIDDEN_UTRECHT } from '../../src/sandbox/gemeenten.js';
import { bsnFromPrefix, generatedBsn, generatedPerson, generatePersons, RESERVED_BSNS } from '../../src/sandbox/person-generator.js';
import { passesElfproef } from '../../src/stages/bsn.js';

describe('the shared cast', () => {
  it('has the BSNs of partners/README.md §1, valid ones passing the 11-proef and X1, X2 failing it', () => {
    expect(CAST.map((person) => [person.key, person.bsn])).toEqual([
      ['P1', '999990019'], ['P2', '999990032'], ['P3', '999990044'], ['P4', '999990056'], ['P5', '999990068'],
      ['P6', '999990081'], ['P7', '999990093'], ['P8', '010000021'], ['P9', '999990111'],
    ]);
    for (const person of CAST) expect(passesElfproef(person.bsn)).toBe(true);
    expect(CAST_INVALID.map((person) => person.bsn)).toEqual(['999990010', '123456789']);
    for (const person of CAST_INVALID) expect(passesElfproef(person.bsn)).toBe(false);
  });

  it('says what each person tests and lives in a Midden-Utrecht gemeente', () => {
    const codes = new Set(GEMEENTEN_MIDDEN_UTRECHT.map((gemeente) => gemeente.code));
    for (const person of [...CAST, ...CAST_INVALID]) {
      expect(person.tests.length).toBeGreaterThan(10);
      expect(codes.has(person.gemeenteCode)).toBe(true);
      expect(isCastId(person.key)).toBe(true);
    }
    expect(fullName(P1)).toBe('Sanne de Vries');
    expect(P8.bsn.startsWith('0')).toBe(true);
  });
});

describe('generated persons', () => {
  it('get valid, distinct BSNs in 900000000–989999999, never a cast BSN', () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 100_000; n += 1) {
      const bsn = generatedBsn(42, n);
      expect(bsn >= '900000000' && bsn < '990000000').toBe(true);
      seen.add(bsn);
    }
    expect(seen.size).toBe(100_000);
    for (const bsn of RESERVED_BSNS) expect(seen.has(bsn)).toBe(false);
    for (const bsn of [...seen].slice(0, 5_000)) expect(passesElfproef(bsn)).toBe(true);
  });

  it('are the same for the same seed and differ for another', () => {
    expect(generatePersons(7, 20)).toEqual(generatePersons(7, 20));
    expect(generatedPerson(7, 3)).toEqual(generatePersons(7, 3)[2]);
    expect(generatedPerson(8, 3).bsn).not.toBe(generatedPerson(7, 3).bsn);
  });

  it('carry the personal data the pipeline must drop', () => {
    const person = generatedPerson(42, 1);
    expect(person).toMatchObject({ key: 'G000001', givenName: expect.any(String), familyName: expect.any(String), street: expect.any(String) });
    expect(person.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(person.postalCode).toMatch(/^\d{4} [A-Z]{2}$/);
    expect(GEMEENTEN_MIDDEN_UTRECHT.some((gemeente) => gemeente.name === person.gemeenteName)).toBe(true);
  });

  it('fall back to the next prefix when a prefix has no check digit', () => {
    // 90000020 has remainder 10; 90000021 is the valid neighbour.
    expect(bsnFromPrefix(90_000_020)).toMatch(/^90000021\d$/);
    expect(passesElfproef(bsnFromPrefix(90_000_020))).toBe(true);
  });
});
