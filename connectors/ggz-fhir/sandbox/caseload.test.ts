import { describe, expect, it } from 'vitest';
import { amsterdamDate, CAST, GEMEENTEN_MIDDEN_UTRECHT } from '../../../src/sandbox/index.js';
import { passesElfproef } from '../../../src/stages/bsn.js';
import { loadCaseload } from './caseload.js';
import { extractFacts } from './json-version.js';

const clockMs = Date.parse('2026-03-02T10:00:00+01:00');
const caseload = loadCaseload({ scenario: 'default', seed: 42, persons: 500, clockMs });
const persons = caseload.persons();
const byKey = new Map(persons.map((person) => [person.key, person]));
const context = { origin: 'http://127.0.0.1:7401' };

describe('the default caseload', () => {
  it('holds 500 persons: the cast and 491 generated ones, each with a valid, distinct BSN', () => {
    expect(persons).toHaveLength(500);
    expect(caseload.store.list('Patient')).toHaveLength(500);
    expect(persons.slice(0, 9).map((person) => person.castId)).toEqual(CAST.map((person) => person.key));
    expect(new Set(persons.map((person) => person.bsn)).size).toBe(500);
    for (const person of persons) expect(passesElfproef(person.bsn)).toBe(true);
  });

  it('gives the cast the consent of partners/README.md §1', () => {
    const consent = (key: string): unknown => {
      const person = byKey.get(key);
      return person && { consent: person.consent, permitted: person.permitted, referral: person.referralId !== undefined, episode: person.episodeId !== undefined };
    };
    expect(consent('P1')).toEqual({ consent: 'both', permitted: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'], referral: true, episode: true });
    expect(consent('P2')).toEqual({ consent: 'monitor-only', permitted: ['P_MONITOR_REGIO'], referral: true, episode: true });
    expect(consent('P3')).toEqual({ consent: 'withdrawn', permitted: [], referral: false, episode: true });
    expect(consent('P4')).toEqual({ consent: 'rejected', permitted: [], referral: true, episode: false });
    expect(consent('P5')).toEqual({ consent: 'expired', permitted: [], referral: false, episode: true });
    expect(consent('P6')).toEqual({ consent: 'none', permitted: [], referral: false, episode: true });
    expect(consent('P9')).toEqual({ consent: 'both', permitted: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'], referral: true, episode: false });
    expect(byKey.get('P8')?.bsn).toBe('010000021');
  });

  it('serves the cast as the spec shows it: P1 as §6.1–6.4, P3 withdrawn in version 2, P5 ending last month, P9 revoked', () => {
    const body = (type: string, id: string): Record<string, unknown> => caseload.store.live(type, id)?.body(context) ?? {};
    expect(body('EpisodeOfCare', 'eoc-ips-0001')).toMatchObject({ meta: { versionId: '5', lastUpdated: '2025-06-02T10:03:55.090+02:00' }, status: 'active', period: { start: '2025-02-03' } });
    expect(body('ServiceRequest', 'sr-20250114-0042')).toMatchObject({ authoredOn: '2025-01-14T15:20:00+01:00', note: [{ text: 'Cliënt wil in de horeca werken; klantmanager belt 999990019 terug.' }] });
    expect(body('Consent', 'cns-0001')).toMatchObject({ dateTime: '2025-01-20T11:32:00+01:00', provision: { period: { start: '2025-01-20', end: '2027-01-19' } } });
    expect(caseload.store.versions('Consent', 'cns-0003').map((version) => version.body(context).status)).toEqual(['active', 'inactive']);
    expect(body('Consent', 'cns-0003')).toMatchObject({ meta: { versionId: '2', lastUpdated: '2025-06-01T13:10:00.000+02:00' } });
    expect(body('Consent', 'cns-0005')).toMatchObject({ status: 'active', provision: { period: { end: '2026-02-15' } } });
    expect(body('ServiceRequest', 'sr-0009')).toMatchObject({ status: 'revoked', extension: [expect.anything(), { valueCoding: { code: 'REFERRAL_NOT_STARTED' } }] });
    expect(caseload.store.live('Consent', 'cns-0006')).toBeUndefined();
  });

  it('gives most generated persons consent for both purposes and a deterministic minority none, one purpose or a refusal', () => {
    const generated = persons.filter((person) => person.castId === undefined);
    const count = (summary: string): number => generated.filter((person) => person.consent === summary).length;
    expect(count('both') + count('expired')).toBeGreaterThan(generated.length * 0.7);
    for (const summary of ['none', 'monitor-only', 'rejected']) expect(count(summary)).toBeGreaterThan(5);
    const episodes = caseload.store.list('EpisodeOfCare').map((version) => version.body(context));
    const statuses = new Set(episodes.map((episode) => episode.status));
    expect([...statuses].sort()).toEqual(['active', 'finished', 'onhold', 'planned', 'waitlist']);
    const extensions = JSON.stringify(episodes);
    expect(extensions).toContain('ips-end-reason');
    expect(extensions).toContain('GEM_IPS_SUBSIDIE');
    expect(extensions).toContain('UWV_IPS');
  });

  it('spreads lastUpdated over the two years before the clock, ascending with the person number', () => {
    for (const type of ['Patient', 'ServiceRequest', 'EpisodeOfCare', 'Consent']) {
      const versions = caseload.store.list(type);
      for (const version of versions) expect(version.lastUpdatedMs).toBeLessThan(clockMs);
      const generated = versions.filter((version) => version.id.includes('-g'));
      const first = generated[0]?.lastUpdatedMs ?? 0;
      const last = generated[generated.length - 1]?.lastUpdatedMs ?? 0;
      expect(last - first).toBeGreaterThan(700 * 86_400_000);
      expect(generated.map((version) => version.id)).toEqual([...generated.map((version) => version.id)].sort());
    }
  });

  it('puts on each Patient the personal data the pipeline must drop', () => {
    const gemeenten = new Set(GEMEENTEN_MIDDEN_UTRECHT.map((gemeente) => gemeente.name));
    for (const version of caseload.store.list('Patient').slice(0, 50)) {
      const patient = version.body(context);
      const text = JSON.stringify(patient);
      const bsn = /"value":"(\d{9})"/.exec(text)?.[1] ?? '';
      expect(String((patient.text as { div?: string } | undefined)?.div)).toContain(`BSN ${bsn}`);
      const [address] = patient.address as Array<{ district: string; line: string[] }>;
      expect(gemeenten.has(address?.district ?? '')).toBe(true);
      expect(patient).toMatchObject({ name: [expect.objectContaining({ text: expect.any(String) })], telecom: [expect.anything()], birthDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    }
  });

  it('keeps search facts equal to the facts read from the served JSON, for every resource of every scenario', () => {
    const edge = loadCaseload({ scenario: 'edge-cases', seed: 3, persons: 200, clockMs, canaries: { names: ['Kanarie Geel'], notes: ['notitie'] } });
    for (const store of [caseload.store, edge.store]) {
      for (const type of store.types()) {
        for (const version of store.list(type)) {
          const facts = extractFacts(version.body(context));
          for (const bound of version.facts.range ?? []) expect(Number.isNaN(bound)).toBe(false);
          expect({ id: version.id, tokens: { ...version.facts.tokens }, patient: version.facts.patient, range: version.facts.range })
            .toEqual({ id: version.id, tokens: facts.tokens, patient: facts.patient, range: facts.range });
        }
      }
    }
  });

  it('is the same for the same seed and clock day, and differs for another seed', () => {
    const again = loadCaseload({ scenario: 'default', seed: 42, persons: 500, clockMs: clockMs + 3_600_000 });
    expect(again.persons()).toEqual(persons);
    expect(again.store.list('Consent').map((version) => [version.id, version.lastUpdatedMs])).toEqual(caseload.store.list('Consent').map((version) => [version.id, version.lastUpdatedMs]));
    const other = loadCaseload({ scenario: 'default', seed: 43, persons: 500, clockMs });
    expect(other.persons().map((person) => person.bsn)).not.toEqual(persons.map((person) => person.bsn));
  });

  it('keeps the cast in the past when the clock stands before the spec dates', () => {
    const early = loadCaseload({ scenario: 'default', seed: 1, persons: 20, clockMs: Date.parse('2025-03-01T12:00:00+01:00') });
    const today = Date.parse('2025-03-01T00:00:00+01:00');
    for (const type of early.store.types()) for (const version of early.store.list(type)) expect(version.lastUpdatedMs).toBeLessThan(today);
    expect(amsterdamDate(early.store.live('EpisodeOfCare', 'eoc-ips-0001')?.lastUpdatedMs ?? 0)).toBe('2025-02-28');
  });
});

describe('canaries', () => {
  const canaries = {
    names: ['Canarius Geelvink', 'Piet Kanariepiet'],
    bsns: ['999993653'],
    addresses: ['Kanariestraat 99'],
    birthDates: ['1977-07-07'],
    notes: ['CANARY-NOTE belt 06-99999999 terug'],
  };
  const planted = loadCaseload({ scenario: 'volume', seed: 1, persons: 10, clockMs, canaries });

  it('puts the given names, BSNs, addresses, birth dates and notes into served resources, newest of all', () => {
    const served = ['Patient', 'ServiceRequest', 'EpisodeOfCare', 'Consent'].flatMap((type) => planted.store.list(type).map((version) => JSON.stringify(version.body(context))));
    const all = served.join('\n');
    for (const value of [...canaries.names, ...canaries.bsns, ...canaries.addresses, ...canaries.birthDates, ...canaries.notes]) expect(all).toContain(value);
    const referral = planted.store.live('ServiceRequest', 'sr-canary-01')?.body(context);
    expect(referral).toMatchObject({ note: [{ text: canaries.notes[0] }], subject: { display: 'Canarius Geelvink' } });
    expect(planted.store.list('Patient').slice(-2).map((version) => version.id)).toEqual(['pat-canary-01', 'pat-canary-02']);
  });

  it('gives canary persons consent for both purposes so their records travel the whole pipeline', () => {
    const truth = planted.persons().filter((person) => person.canary);
    expect(truth.map((person) => [person.bsn, person.consent])).toEqual([['999993653', 'both'], [expect.stringMatching(/^992/), 'both']]);
  });
});
