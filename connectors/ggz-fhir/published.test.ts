import { describe, expect, it } from 'vitest';
import { decideConsent } from '../../src/stages/consent-decision.js';
import { purposeCodes } from '../../src/trajectory/codes.js';
import { edgeContext, edgeOf, fixture, personOf, resourceItem } from './fixtures/test-kit.js';
import { resolvePerson } from './mapping/patient.js';

/**
 * Real example resources published by HL7 with FHIR R4 (CC0; `fixtures/published/SOURCES.md`),
 * mapped as the connector would map them from a partner.
 */
const f001 = fixture('published/patient-example-f001-pieter.json');
const narrativeSecrets = ['Pieter', 'Heuvel', 'Egmondkade', '1024', '0648352638', 'p.heuvel@gmail.com', 'Abels', '738472983', '1944-11-17', 'Burgers University'];

// HL7's f001 BSN fails the 11-proef, so the tests that need the person resolved stand P1 of the cast in for Patient/f001.
const standIn = { ...fixture('spec/patient-p1.json'), id: 'f001' };
const werkbrugCategory = { coding: [{ system: 'https://werkbrug.example/fhir/CodeSystem/consent-category', code: 'ips-data-sharing' }] };

describe('HL7 patient-example-f001-pieter', () => {
  it('has its BSN found under the OID system, and quarantined because 738472983 fails the 11-proef', () => {
    const result = resolvePerson({ reference: 'Patient/f001' }, 'subject', undefined, { kind: 'found', via: 'include', resource: f001 }, edgeContext());
    // bsn-invalid, not bsn-missing: the OID is read as the BSN system; the value-less second identifier is ignored (E06).
    expect(result).toEqual({ stage: 'pseudonymise', reason: 'bsn-invalid', field: 'Patient.identifier[0].value', expected: expect.any(String) });
  });

  it('is pseudonymised when it carries a valid BSN, and nothing of its narrative, name, address or telecom leaves', () => {
    const identifier = [{ use: 'usual', system: 'urn:oid:2.16.840.1.113883.2.4.6.3', value: '999990019' }, { use: 'usual', system: 'urn:oid:2.16.840.1.113883.2.4.6.3' }];
    const episode = fixture('published/episodeofcare-example.json');
    const tokens = ['http://terminology.hl7.org/CodeSystem/episodeofcare-type|hacc'];
    const out = edgeOf([resourceItem('EpisodeOfCare', episode, { ...f001, identifier }, tokens)]);
    expect(out.rejections).toEqual([]);
    const draft = out.records[0]?.draft;
    expect(draft?.person).toBe(personOf('999990019'));
    // Born 1944, living in Amsterdam (0363, arbeidsmarktregio Groot Amsterdam).
    expect(draft?.subject).toEqual({ as_of: '2014-09-15', age_band: 'A55_PLUS', gemeente_code: '0363', arbeidsmarktregio_code: 'AM18' });
    const text = JSON.stringify(out);
    for (const secret of narrativeSecrets) expect(text).not.toContain(secret);
  });
});

describe('HL7 episodeofcare-example', () => {
  const episode = fixture('published/episodeofcare-example.json');

  it('is refused as not IPS when its type is not configured (E12)', () => {
    expect(edgeOf([resourceItem('EpisodeOfCare', episode, standIn)]).rejections[0]).toMatchObject({ reason: 'unknown-code', field: 'type', sourceRef: 'ggz-altrecht:EpisodeOfCare/example' });
  });

  it('maps with the alias: START is the first active period, no version so a content version, display-only referral kept without link (E30)', () => {
    const out = edgeOf([resourceItem('EpisodeOfCare', episode, standIn, ['http://terminology.hl7.org/CodeSystem/episodeofcare-type|hacc'])]);
    const draft = out.records[0]?.draft;
    expect(draft?.trajectory).toEqual({ programme: 'IPS', provider_partner_id: 'ggz-altrecht', funding_stream: 'UNKNOWN', start_date: '2014-09-15' });
    expect(draft?.source).toMatchObject({ record_ref: 'ggz-altrecht:EpisodeOfCare/example', record_key: 'ggz-altrecht:EpisodeOfCare/example', modified_at: null });
    expect(draft?.source.version).toMatch(/^h:[0-9a-f]{16}$/);
    for (const secret of ['Amanda', 'Aged Care', 'stroke', 'Home and Community Care']) expect(JSON.stringify(out)).not.toContain(secret);
  });
});

describe('HL7 consent examples', () => {
  const files = [
    ['consent-example.json', 'provision-without-type'],
    ['consent-example-notThis.json', 'provision-without-type'],
    ['consent-example-Out.json', 'provision-without-type'],
    ['consent-example-notTime.json', 'provision-without-type'],
    ['consent-example-Emergency.json', 'provision-without-type'],
    ['consent-example-grantor.json', 'provision-without-type'],
    ['consent-example-notOrg.json', undefined],
  ] as const;

  it.each(files)('%s as delivered is no ips-data-sharing consent: quarantined, never part of the consent state', (file) => {
    const out = edgeOf([resourceItem('Consent', fixture(`published/${file}`), standIn)]);
    expect(out.records).toEqual([]);
    expect(out.rejections[0]).toMatchObject({ reason: 'unknown-code', field: 'category' });
  });

  it.each(files)('%s with the werkbrug category still permits no werkbrug purpose: decided fail-closed', (file, notUnderstood) => {
    const resource = fixture(`published/${file}`);
    const out = edgeOf([resourceItem('Consent', { ...resource, category: [...(resource.category as unknown[]), werkbrugCategory] }, standIn)]);
    const record = out.records[0];
    const document = record?.consentDocument;
    expect(document).toBeDefined();
    if (!document) return;
    if (notUnderstood !== undefined) expect(document).toMatchObject({ understood: false, notUnderstoodReason: notUnderstood });
    else expect(document.provision).toEqual({ type: 'deny', purposes: 'all', periodStart: '2015-11-18' });
    // No consent payload to store as proof of a permission.
    expect(record?.draft.consent === undefined || record.draft.consent.status === 'refused').toBe(true);
    for (const purpose of purposeCodes) {
      const decision = decideConsent({ purpose, lookup: { kind: 'found', documents: [document] }, today: '2025-06-02', now: '2025-06-02T08:00:00Z', waitingSince: '2025-06-02T08:00:00Z', maxWaitDays: 30 });
      expect(decision.outcome).not.toBe('permit');
    }
    expect(JSON.stringify(out)).not.toContain('van de Heuvel');
  });
});
