import { describe, expect, it } from 'vitest';
import { consentDocumentSchema } from '../../../src/consent/consent-document.js';
import { edgeOf, fixture, p1Secrets, personOf, resourceItem } from '../fixtures/test-kit.js';

const patient = fixture('spec/patient-p1.json');
const purposeSystem = 'https://werkbrug.example/fhir/CodeSystem/purpose';
const purpose = (code: string) => ({ system: purposeSystem, code });
const actor = (value: string, role = 'PRCP') => ({
  role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: role }] },
  reference: { identifier: { system: 'https://werkbrug.example/fhir/NamingSystem/arbeidsmarktregio', value } },
});

function consent(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixture('spec/consent-p1.json'), ...changes };
}

function provision(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...(fixture('spec/consent-p1.json').provision as Record<string, unknown>), ...changes };
}

function run(resource: unknown) {
  return edgeOf([resourceItem('Consent', resource, patient)]);
}

function read(resource: unknown) {
  const out = run(resource);
  expect(out.rejections).toEqual([]);
  const record = out.records[0];
  if (!record?.consentDocument) throw new Error('expected a consent document');
  // What the core's ingest validates before it trusts a document.
  expect(consentDocumentSchema.safeParse(record.consentDocument).success).toBe(true);
  return { draft: record.draft, document: record.consentDocument };
}

describe('Consent → consent draft and ConsentDocument (spec §5)', () => {
  it('maps the spec example 6.4 (P1, both purposes, two years) to its expected record and document', () => {
    expect(run(consent()).records).toEqual([fixture('spec/consent-p1.expected.json')]);
  });

  it('keeps only codes, dates and the pseudonym', () => {
    const text = JSON.stringify(run(consent()));
    for (const secret of [...p1Secrets, 'Arbeidsmarktregio Midden-Utrecht']) expect(text).not.toContain(secret);
    expect(read(consent()).document.person).toBe(personOf('999990019'));
  });

  it('P2: one purpose permits that purpose only', () => {
    const { draft, document } = read(consent({ provision: provision({ purpose: [purpose('P_MONITOR_REGIO')] }) }));
    expect(document.provision?.purposes).toEqual(['P_MONITOR_REGIO']);
    expect(draft.consent?.purposes).toEqual(['P_MONITOR_REGIO']);
  });

  it('P3: an inactive version is a withdrawal from its meta.lastUpdated', () => {
    const { draft, document } = read(consent({ status: 'inactive', meta: { versionId: '2', lastUpdated: '2025-05-02T09:00:00+02:00' } }));
    expect(document).toMatchObject({ status: 'inactive', version: '2', lastUpdated: '2025-05-02T07:00:00.000Z', understood: true });
    expect(draft.consent).toMatchObject({ status: 'withdrawn', withdrawn_date: '2025-05-02', purposes: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'] });
  });

  it('P3: a withdrawal dates from provision.period.end when that is earlier (rule 3)', () => {
    const { draft } = read(consent({ status: 'inactive', meta: { versionId: '2', lastUpdated: '2025-05-02T09:00:00+02:00' }, provision: provision({ period: { start: '2025-01-20', end: '2025-04-30' } }) }));
    expect(draft.consent?.withdrawn_date).toBe('2025-04-30');
  });

  it('P4: a rejected consent is refused for the purposes it names, all when it names none', () => {
    expect(read(consent({ status: 'rejected' })).draft.consent).toMatchObject({ status: 'refused', purposes: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'] });
    const none = read(consent({ status: 'rejected', provision: undefined }));
    expect(none.draft.consent?.purposes).toHaveLength(5);
    expect(none.document.provision).toBeUndefined();
  });

  it('P5: a period that ended is kept with its dates; the core decides it expired', () => {
    const { draft, document } = read(consent({ provision: provision({ period: { start: '2023-05-01', end: '2025-05-31' } }) }));
    expect(document.provision).toMatchObject({ periodStart: '2023-05-01', periodEnd: '2025-05-31' });
    expect(draft.consent).toMatchObject({ status: 'active', valid_until: '2025-05-31' });
  });

  it('rule 6: a provision without start starts at the consent dateTime', () => {
    expect(read(consent({ provision: provision({ period: { end: '2027-01-19' } }) })).document.provision?.periodStart).toBe('2025-01-20');
  });

  it('a consent without form extension counts, with form unknown', () => {
    expect(read(consent({ extension: undefined })).draft.consent?.form).toBe('unknown');
  });

  it('a top-level deny refuses the purposes it names, or all', () => {
    expect(read(consent({ provision: provision({ type: 'deny', purpose: [purpose('P_WETENSCHAP')] }) })).draft.consent).toMatchObject({ status: 'refused', purposes: ['P_WETENSCHAP'] });
    expect(read(consent({ provision: provision({ type: 'deny', purpose: undefined }) })).document.provision?.purposes).toBe('all');
  });

  describe('E28', () => {
    it('only an unknown purpose: the document permits nothing and there is no payload', () => {
      const { draft, document } = read(consent({ provision: provision({ purpose: [purpose('P_ONBEKEND'), { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HMARKT' }] }) }));
      expect(document).toMatchObject({ understood: true, provision: { type: 'permit', purposes: [] } });
      expect(draft).not.toHaveProperty('consent');
      expect(draft.source.deleted).toBeUndefined();
    });

    it('a permit without purpose permits nothing', () => {
      const { draft, document } = read(consent({ provision: provision({ purpose: undefined }) }));
      expect(document.provision?.purposes).toEqual([]);
      expect(draft).not.toHaveProperty('consent');
    });

    it('a nested deny carves a purpose out, one level deep', () => {
      const nested = [{ type: 'deny', purpose: [purpose('P_VERANTWOORDING_COFIN')] }];
      const { draft, document } = read(consent({ provision: provision({ provision: nested }) }));
      expect(document.exceptions).toEqual([{ type: 'deny', purposes: ['P_VERANTWOORDING_COFIN'] }]);
      expect(document.understood).toBe(true);
      expect(draft.consent?.purposes).toEqual(['P_MONITOR_REGIO']);
    });

    it('a draft consent is not (yet) given: a document, no payload', () => {
      const { draft, document } = read(consent({ status: 'draft' }));
      expect(document.status).toBe('draft');
      expect(draft).not.toHaveProperty('consent');
    });

    it('a consent without patient is quarantined (rule 9)', () => {
      const out = run(consent({ patient: undefined }));
      expect(out.records).toEqual([]);
      expect(out.rejections[0]).toMatchObject({ reason: 'required-missing', field: 'patient' });
    });

    it('two active consents with equal dateTime both reach the core with equal recordedAt', () => {
      const deny = consent({ id: 'cns-0002', provision: provision({ type: 'deny', purpose: [purpose('P_MONITOR_REGIO')] }) });
      const out = edgeOf([resourceItem('Consent', consent(), patient), resourceItem('Consent', deny, patient)]);
      const [a, b] = out.records.map((r) => r.consentDocument);
      expect(a?.recordedAt).toBe(b?.recordedAt);
      expect(b?.provision?.type).toBe('deny');
    });

    it('an actor for another region (AM14) does not allow this region', () => {
      expect(read(consent({ provision: provision({ actor: [actor('AM14')] }) })).document.regionAllowed).toBe(false);
      expect(read(consent({ provision: provision({ actor: [actor('AM14'), actor('AM13', 'IRCP')] }) })).document.regionAllowed).toBe(true);
      // A custodian is no recipient: the consent lists no recipients, so any region may receive.
      expect(read(consent({ provision: provision({ actor: [actor('AM14', 'CST')] }) })).document.regionAllowed).toBe(true);
    });
  });

  it.each([
    ['deeper nesting', { provision: provision({ provision: [{ type: 'deny', provision: [{ type: 'permit' }] }] }) }, 'nesting-too-deep'],
    ['a nested provision without type', { provision: provision({ provision: [{ purpose: [purpose('P_WETENSCHAP')] }] }) }, 'nested-provision-without-type'],
    ['a top-level provision without type', { provision: provision({ type: undefined }) }, 'provision-without-type'],
    ['a scope other than patient-privacy', { scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] } }, 'scope-not-patient-privacy'],
    ['neither policy nor policyRule', { policyRule: undefined }, 'policy-missing'],
    ['E25: an unknown modifier', { modifierExtension: [{ url: 'https://epd.example/only-if-asked' }] }, 'unknown-modifier'],
  ])('%s makes the document not understood (fail closed) and gives no payload', (_name, changes, reason) => {
    const { draft, document } = read(consent(changes));
    expect(document).toMatchObject({ understood: false, notUnderstoodReason: reason });
    expect(draft).not.toHaveProperty('consent');
  });

  it('a listed action without disclose does not allow disclosure', () => {
    const action = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }];
    expect(read(consent({ provision: provision({ action }) })).document.actionAllowed).toBe(false);
  });

  it('E21: entered-in-error is a tombstone with a document saying so (erasure)', () => {
    const out = run(consent({ status: 'entered-in-error' }));
    const record = out.records[0];
    expect(record?.draft).toEqual({ record_kind: 'consent', source: expect.objectContaining({ deleted: true, record_key: 'ggz-altrecht:Consent/cns-0001' }) });
    expect(record?.consentDocument?.status).toBe('entered-in-error');
  });

  it.each([
    ['E13: a dateTime without offset', { dateTime: '2025-03-01T10:00:00' }, 'invalid-date', 'dateTime'],
    ['an impossible period end', { provision: provision({ period: { start: '2025-01-20', end: '2027-02-30' } }) }, 'invalid-date', 'provision.period.end'],
    ['a period ending before it starts', { provision: provision({ period: { start: '2025-01-20', end: '2024-01-19' } }) }, 'invalid-period', 'provision.period.end'],
    ['an unknown form', { extension: [{ url: 'https://werkbrug.example/fhir/StructureDefinition/consent-form', valueCoding: { system: 'https://werkbrug.example/fhir/CodeSystem/consent-form', code: 'fax' } }] }, 'unknown-code', 'extension[0].valueCoding'],
    ['a status outside R4', { status: 'withdrawn' }, 'unknown-code', 'status'],
    ['a category other than ips-data-sharing', { category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }] }, 'unknown-code', 'category'],
  ])('quarantines %s', (_name, changes, reason, field) => {
    const out = run(consent(changes));
    expect(out.records).toEqual([]);
    expect(out.rejections[0]).toMatchObject({ sourceRef: 'ggz-altrecht:Consent/cns-0001/_history/1', reason, field });
  });
});
