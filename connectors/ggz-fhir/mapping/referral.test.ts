import { describe, expect, it } from 'vitest';
import { edgeContext, edgeOf, fixture, p1Secrets, resourceItem } from '../fixtures/test-kit.js';

const patient = fixture('spec/patient-p1.json');
const referrerUrl = 'https://werkbrug.example/fhir/StructureDefinition/referrer-type';
const referrerSystem = 'https://werkbrug.example/fhir/CodeSystem/referrer-type';

function request(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixture('spec/service-request-p1.json'), ...changes };
}

function run(resource: unknown) {
  return edgeOf([resourceItem('ServiceRequest', resource, patient)]);
}

describe('ServiceRequest → referral (spec §3.2)', () => {
  it('maps the spec example 6.2 to its expected draft', () => {
    const out = run(request());
    expect(out.rejections).toEqual([]);
    expect(out.records).toEqual([fixture('spec/service-request-p1.expected.json')]);
  });

  it('lets no name, BSN, address, note or display string through (README §2.6)', () => {
    const text = JSON.stringify(run(request()));
    for (const secret of p1Secrets) expect(text).not.toContain(secret);
  });

  it.each([
    ['draft', 'open'],
    ['active', 'open'],
    ['on-hold', 'open'],
    ['unknown', 'open'],
    ['completed', 'started'],
    ['revoked', 'not_started'],
  ])('status %s → %s', (status, mapped) => {
    expect(run(request({ status })).records[0]?.draft.referral?.status).toBe(mapped);
  });

  it.each([
    ['ggz-treatment-team', 'ggz_treatment_team'],
    ['ggz-support-team', 'ggz_support_team'],
    ['gemeente', 'gemeente'],
    ['uwv', 'uwv'],
    ['huisarts', 'other'],
    ['self', 'self'],
    ['other', 'other'],
  ])('referrer-type %s → referred_by %s', (code, referredBy) => {
    const extension = [{ url: referrerUrl, valueCoding: { system: referrerSystem, code } }];
    expect(run(request({ extension })).records[0]?.draft.referral?.referred_by).toBe(referredBy);
  });

  it('gives referred_by unknown without the extension', () => {
    expect(run(request({ extension: undefined })).records[0]?.draft.referral?.referred_by).toBe('unknown');
  });

  it('keeps a revoked referral with REFERRAL_NOT_STARTED as not_started (cast P9)', () => {
    const extension = [{ url: 'https://werkbrug.example/fhir/StructureDefinition/ips-end-reason', valueCoding: { system: 'https://werkbrug.example/fhir/CodeSystem/outcome', code: 'REFERRAL_NOT_STARTED' } }];
    expect(run(request({ status: 'revoked', extension })).records[0]?.draft.referral).toMatchObject({ status: 'not_started', referred_by: 'unknown' });
  });

  it.each([
    ['the Amsterdam date of a late-evening instant in winter', '2025-01-14T23:30:00Z', '2025-01-15'],
    ['the Amsterdam date of a late-evening instant in summer', '2025-06-30T22:30:00Z', '2025-07-01'],
    ['a plain date', '2025-01-14', '2025-01-14'],
    ['a month as a start: its last day', '2025-02', '2025-02-28'],
  ])('takes as referral_date %s', (_name, authoredOn, date) => {
    expect(run(request({ authoredOn })).records[0]?.draft.referral?.referral_date).toBe(date);
  });

  it('E21: retracts an entered-in-error referral with a tombstone', () => {
    const out = run(request({ status: 'entered-in-error', authoredOn: 'garbage' }));
    expect(out.rejections).toEqual([]);
    expect(out.records[0]?.draft).toEqual({
      record_kind: 'referral',
      source: {
        partner_id: 'ggz-altrecht',
        record_ref: 'ggz-altrecht:ServiceRequest/sr-20250114-0042/_history/2',
        record_key: 'ggz-altrecht:ServiceRequest/sr-20250114-0042',
        version: '2',
        modified_at: '2025-01-15T07:41:07.512Z',
        deleted: true,
      },
    });
  });

  it('E23: a BSN in the referral number never leaves, and a nine-digit id is hashed', () => {
    const out = run(request({ id: 'sr-999990019', identifier: [{ system: 'https://ggz-sandbox.example/fhir/NamingSystem/verwijzing', value: 'VW-999990019' }] }));
    const source = out.records[0]?.draft.source;
    expect(source?.record_key).toMatch(/^ggz-altrecht:ServiceRequest\/h1-[A-Za-z0-9_-]{22}$/);
    expect(source?.record_ref).toBe(`${source?.record_key}/_history/2`);
    expect(JSON.stringify(out)).not.toContain('999990019');
  });

  it.each([
    ['E11: a status outside R4', { status: 'suspended' }, 'unknown-code', 'status'],
    ['E13: an impossible date', { authoredOn: '2025-02-30' }, 'invalid-date', 'authoredOn'],
    ['E13: a time without offset', { authoredOn: '2025-03-01T10:00:00' }, 'invalid-date', 'authoredOn'],
    ['E13: a template placeholder', { authoredOn: '${DATE, T, D, -20}' }, 'invalid-date', 'authoredOn'],
    ['a year alone', { authoredOn: '2025' }, 'invalid-date', 'authoredOn'],
    ['no authoredOn', { authoredOn: undefined }, 'required-missing', 'authoredOn'],
    ['no subject', { subject: undefined }, 'required-missing', 'subject'],
    ['a code that is not IPS', { code: { coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] } }, 'unknown-code', 'code.coding'],
    ['an unknown referrer type', { extension: [{ url: referrerUrl, valueCoding: { system: referrerSystem, code: 'buurman' } }] }, 'unknown-code', 'extension[0].valueCoding'],
    ['two referrer types', { extension: [{ url: referrerUrl, valueCoding: { system: referrerSystem, code: 'uwv' } }, { url: referrerUrl, valueCoding: { system: referrerSystem, code: 'self' } }] }, 'invalid-value', 'extension[1]'],
    ['E25: a modifierExtension', { modifierExtension: [{ url: 'https://ggz.example/fhir/StructureDefinition/not-really', valueBoolean: true }] }, 'unknown-modifier', 'modifierExtension'],
  ])('quarantines %s', (_name, changes, reason, field) => {
    const out = run(request(changes));
    expect(out.records).toEqual([]);
    expect(out.rejections).toEqual([
      { sourceRef: 'ggz-altrecht:ServiceRequest/sr-20250114-0042/_history/2', stage: expect.any(String), reason, field, expected: expect.any(String) },
    ]);
  });

  it('names the rejected field but never its value', () => {
    const out = run(request({ authoredOn: '2025-02-30' }));
    expect(JSON.stringify(out.rejections)).not.toContain('2025-02-30');
  });

  it('maps an EPD alias code only when the item carries it (E12 for referrals)', () => {
    const local = { code: { coding: [{ system: 'urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1', code: 'IPS-VW' }] } };
    const withAlias = edgeOf([resourceItem('ServiceRequest', request(local), patient, ['urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1|IPS-VW'])], edgeContext());
    expect(withAlias.records[0]?.draft.referral?.programme).toBe('IPS');
  });
});
