import { describe, expect, it } from 'vitest';
import { safePath } from '../../src/connector/safe-path.js';

describe('safePath', () => {
  it('drops the query string, which may carry a BSN', () => {
    expect(safePath('http://h/fhir/Consent?patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|999990019')).toBe('/fhir/Consent');
  });

  it('hides a path segment holding a run of exactly nine digits', () => {
    expect(safePath('http://h/fhir/Patient/999990019')).toBe('/fhir/Patient/{id}');
    expect(safePath('http://h/fhir/Patient/p-999990019-x/_history/2')).toBe('/fhir/Patient/{id}/_history/2');
  });

  it('keeps ordinary ids and longer digit runs', () => {
    expect(safePath('http://h/fhir/Patient/pat-0001')).toBe('/fhir/Patient/pat-0001');
    expect(safePath('http://h/fhir/Patient/1234567890')).toBe('/fhir/Patient/1234567890');
  });
});
