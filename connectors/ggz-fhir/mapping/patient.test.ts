import { describe, expect, it } from 'vitest';
import { edgeContext, fixture, personOf } from '../fixtures/test-kit.js';
import type { PatientLookup } from '../item.js';
import { resolvePerson, subjectOf, subjectTarget } from './patient.js';
import { isRefusal } from './refusal.js';

const bsnSystem = 'http://fhir.nl/fhir/NamingSystem/bsn';
const oidSystem = 'urn:oid:2.16.840.1.113883.2.4.6.3';
const local = { system: 'https://ggz-sandbox.example/fhir/NamingSystem/patientnummer', value: 'GGZ-004512' };

function patientWith(identifier: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceType: 'Patient', id: 'p', identifier, ...extra };
}

const found = (resource: unknown): PatientLookup => ({ kind: 'found', via: 'include', resource });

function resolve(identifier: unknown[]) {
  return resolvePerson({ reference: 'Patient/p' }, 'subject', undefined, found(patientWith(identifier)), edgeContext());
}

describe('resolvePerson: the BSN of the Patient (spec §3.1, E01–E07)', () => {
  it.each([
    ['the fhir.nl system', [{ system: bsnSystem, value: '999990019' }], '999990019'],
    ['E05: the HL7 OID system', [{ system: oidSystem, value: '999990019' }], '999990019'],
    ['E03: a BSN that lost its leading zero', [{ system: bsnSystem, value: '10000021' }], '010000021'],
    ['E04: written with spaces and dots', [{ system: bsnSystem, value: '999 990 019' }, { system: oidSystem, value: '999.990.019' }], '999990019'],
    ['E06: an empty BSN identifier next to a valid one', [{ system: bsnSystem }, { system: bsnSystem, value: '' }, { system: bsnSystem, value: '999990032' }], '999990032'],
    ['a local number next to the BSN', [local, { system: bsnSystem, value: '999990044' }], '999990044'],
    ['an invalid BSN next to a valid one (only invalid ones quarantine)', [{ system: bsnSystem, value: '123456789' }, { system: bsnSystem, value: '999990056' }], '999990056'],
  ])('accepts %s', (_name, identifier, bsn) => {
    const result = resolve(identifier);
    expect(isRefusal(result)).toBe(false);
    expect(result).toMatchObject({ person: personOf(bsn) });
  });

  it.each([
    ['E01: only a local patient number', [local], 'bsn-missing', 'Patient.identifier'],
    ['no identifier at all', [], 'bsn-missing', 'Patient.identifier'],
    ['E02: X1 fails the 11-proef', [{ system: bsnSystem, value: '999990010' }], 'bsn-invalid', 'Patient.identifier[0].value'],
    ['E02: X2 fails the 11-proef', [local, { system: oidSystem, value: '123456789' }], 'bsn-invalid', 'Patient.identifier[1].value'],
    ['E07: two different valid BSNs', [{ system: bsnSystem, value: '999990019' }, { system: oidSystem, value: '999990032' }], 'bsn-conflict', 'Patient.identifier'],
  ])('quarantines %s', (_name, identifier, reason, field) => {
    expect(resolve(identifier)).toEqual({ stage: 'pseudonymise', reason, field, expected: expect.any(String) });
  });

  it('never puts the BSN into a refusal', () => {
    expect(JSON.stringify(resolve([{ system: bsnSystem, value: '999990010' }]))).not.toContain('999990010');
  });
});

describe('resolvePerson: how the subject points at the Patient (E08–E10)', () => {
  const patient = patientWith([{ system: bsnSystem, value: '999990019' }]);

  it.each([
    ['relative', 'Patient/p'],
    ['E09: absolute', 'http://127.0.0.1:7401/fhir/Patient/p'],
    ['E09: versioned', 'Patient/p/_history/2'],
  ])('resolves a %s reference through the lookup', (_name, reference) => {
    expect(resolvePerson({ reference }, 'subject', undefined, found(patient), edgeContext())).toMatchObject({ person: personOf('999990019') });
  });

  it('E09: resolves a contained Patient', () => {
    const contained = [{ resourceType: 'Patient', id: 'p1', identifier: [{ system: bsnSystem, value: '999990068' }] }];
    expect(resolvePerson({ reference: '#p1' }, 'subject', contained, { kind: 'not-needed' }, edgeContext())).toMatchObject({ person: personOf('999990068') });
  });

  it('E08: takes the BSN from an identifier-only subject', () => {
    const result = resolvePerson({ identifier: { system: bsnSystem, value: '999990081' } }, 'subject', undefined, { kind: 'not-needed' }, edgeContext());
    expect(result).toEqual({ person: personOf('999990081') });
  });

  it('refuses a subject identifier that is no BSN', () => {
    expect(resolvePerson({ identifier: local }, 'subject', undefined, { kind: 'not-needed' }, edgeContext())).toMatchObject({ reason: 'bsn-missing', field: 'subject.identifier' });
  });

  it('sees a conflict between the subject identifier and the Patient', () => {
    const result = resolvePerson({ reference: 'Patient/p', identifier: { system: bsnSystem, value: '999990093' } }, 'subject', undefined, found(patient), edgeContext());
    expect(result).toMatchObject({ reason: 'bsn-conflict' });
  });

  it.each([
    ['E10: a Patient that answered 404', { reference: 'Patient/p' }, { kind: 'unresolvable', why: 'not-found' } as const],
    ['a Patient on another server', { reference: 'https://elsewhere.example/fhir/Patient/p' }, { kind: 'unresolvable', why: 'other-server' } as const],
    ['a contained id that is not there', { reference: '#nope' }, { kind: 'not-needed' } as const],
    ['a reference to a Group', { reference: 'Group/g1' }, { kind: 'not-needed' } as const],
  ])('quarantines %s as subject-unresolvable', (_name, reference, lookup) => {
    expect(resolvePerson(reference, 'subject', undefined, lookup, edgeContext())).toMatchObject({ reason: 'subject-unresolvable', field: 'subject.reference' });
  });

  it('calls a missing subject required-missing', () => {
    expect(resolvePerson(undefined, 'patient', undefined, { kind: 'not-needed' }, edgeContext())).toMatchObject({ reason: 'required-missing', field: 'patient' });
  });

  it('rejects a Patient with an impossible birth date, naming the field', () => {
    const bad = patientWith([{ system: bsnSystem, value: '999990019' }], { birthDate: '1991-02-30' });
    expect(resolvePerson({ reference: 'Patient/p' }, 'subject', undefined, found(bad), edgeContext())).toMatchObject({ reason: 'invalid-date', field: 'Patient.birthDate' });
  });
});

describe('subjectTarget', () => {
  it.each([
    [{ reference: 'Patient/x' }, { kind: 'patient', id: 'x' }],
    [{ reference: 'http://h:7401/fhir/Patient/x/_history/3' }, { kind: 'patient', id: 'x', base: 'http://h:7401/fhir' }],
    [{ reference: '#c' }, { kind: 'contained', id: 'c' }],
    [{ identifier: { value: '1' } }, { kind: 'identifier' }],
    [{ display: 'Sanne de Vries' }, { kind: 'none' }],
    [{ reference: 'urn:uuid:0b3f' }, { kind: 'other' }],
  ])('%j → %j', (reference, target) => {
    expect(subjectTarget(reference)).toEqual(target);
  });
});

describe('subjectOf (E15, spec §3.1 address)', () => {
  const p1 = fixture('spec/patient-p1.json');
  const parse = (resource: unknown) => {
    const result = resolvePerson({ reference: 'Patient/pat-0001' }, 'subject', undefined, found(resource), edgeContext());
    if (isRefusal(result)) throw new Error(result.reason);
    return result.patient;
  };

  it('gives P1 the band, the gemeente of residence and the region, nothing else', () => {
    expect(subjectOf(parse(p1), '2025-02-03', edgeContext())).toEqual({ as_of: '2025-02-03', age_band: 'A27_34', gemeente_code: '0344', arbeidsmarktregio_code: 'AM13' });
  });

  it('adds the birth year only when a purpose needs it', () => {
    expect(subjectOf(parse(p1), '2025-02-03', edgeContext({ keepBirthYear: true }))).toMatchObject({ birth_year: 1991 });
  });

  it.each([
    ['1991', '2025-02-03', 'A27_34'],
    ['1991-06', '2025-02-03', 'A27_34'],
    ['1998', '2025-06-15', 'UNKNOWN'],
  ])('E15: bands the partial birth date %s on %s as %s', (birthDate, asOf, band) => {
    expect(subjectOf(parse({ ...p1, birthDate }), asOf, edgeContext()).age_band).toBe(band);
  });

  it('falls back from district to city, and skips a work address', () => {
    const address = [
      { use: 'work', city: 'Amsterdam' },
      { use: 'home', city: 'Nieuwegein', postalCode: '3431 AA' },
    ];
    expect(subjectOf(parse({ ...p1, address }), '2025-02-03', edgeContext())).toMatchObject({ gemeente_code: '0356', arbeidsmarktregio_code: 'AM13' });
  });

  it('uses a postcode table when the core configures one', () => {
    const context = edgeContext({ gemeenteCodeOfPostalCode: (pc) => (pc === '3991AB' ? '0321' : undefined) });
    expect(subjectOf(parse({ ...p1, address: [{ use: 'home', postalCode: '3991 ab' }] }), '2025-02-03', context)).toMatchObject({ gemeente_code: '0321' });
  });

  it('leaves the gemeente out when the address names none it knows', () => {
    const subject = subjectOf(parse({ ...p1, address: [{ use: 'home', city: 'Atlantis' }] }), '2025-02-03', edgeContext());
    expect(subject).not.toHaveProperty('gemeente_code');
    expect(subject).not.toHaveProperty('arbeidsmarktregio_code');
  });

  it('gives UNKNOWN and no place without a Patient (identifier-only subject)', () => {
    expect(subjectOf(undefined, '2025-02-03', edgeContext())).toEqual({ as_of: '2025-02-03', age_band: 'UNKNOWN' });
  });
});
