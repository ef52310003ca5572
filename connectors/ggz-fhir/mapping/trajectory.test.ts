import { describe, expect, it } from 'vitest';
import { edgeOf, fixture, p1Secrets, resourceItem } from '../fixtures/test-kit.js';

const patient = fixture('spec/patient-p1.json');
const sd = 'https://werkbrug.example/fhir/StructureDefinition/';
const outcome = 'https://werkbrug.example/fhir/CodeSystem/outcome';
const funding = (code: string) => ({ url: `${sd}ips-funding-stream`, valueCoding: { system: 'https://werkbrug.example/fhir/CodeSystem/funding-stream', code } });
const endReason = (code: string) => ({ url: `${sd}ips-end-reason`, valueCoding: { system: outcome, code } });

function episode(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixture('spec/episode-of-care-p1.json'), ...changes };
}

function run(resource: unknown, tokens?: readonly string[]) {
  return edgeOf([resourceItem('EpisodeOfCare', resource, patient, tokens)]);
}

function trajectory(resource: unknown) {
  const out = run(resource);
  expect(out.rejections).toEqual([]);
  return out.records[0]?.draft.trajectory;
}

describe('EpisodeOfCare → trajectory (spec §3.3)', () => {
  it('maps the spec example 6.3 to its expected draft', () => {
    expect(run(episode()).records).toEqual([fixture('spec/episode-of-care-p1.expected.json')]);
  });

  it('drops the diagnosis, care manager, episode name and every display', () => {
    const text = JSON.stringify(run(episode()));
    for (const secret of [...p1Secrets, 'IPS Sanne', 'cnd-771', 'prac-12']) expect(text).not.toContain(secret);
  });

  describe('START', () => {
    it('is the earliest active statusHistory start, whatever the order', () => {
      const statusHistory = [
        { status: 'active', period: { start: '2025-04-01' } },
        { status: 'onhold', period: { start: '2025-03-01', end: '2025-03-31' } },
        { status: 'active', period: { start: '2025-02-10', end: '2025-02-28' } },
      ];
      expect(trajectory(episode({ statusHistory }))?.start_date).toBe('2025-02-10');
    });

    it.each([['active'], ['onhold'], ['finished']])('is period.start without statusHistory when the status is %s', (status) => {
      const changes = { statusHistory: undefined, status, period: { start: '2025-02-03', end: status === 'finished' ? '2025-12-01' : undefined } };
      expect(trajectory(episode(changes))?.start_date).toBe('2025-02-03');
    });

    it.each([['planned'], ['waitlist'], ['cancelled']])('does not exist for %s before any active period: a tombstone for the key', (status) => {
      const out = run(episode({ status, statusHistory: [{ status: 'waitlist', period: { start: '2025-01-15' } }] }));
      expect(out.rejections).toEqual([]);
      expect(out.records[0]?.draft).toEqual({ record_kind: 'trajectory', source: expect.objectContaining({ deleted: true, version: '5' }) });
    });

    it('an active episode without any start date is quarantined', () => {
      expect(run(episode({ statusHistory: undefined, period: undefined })).rejections[0]).toMatchObject({ reason: 'required-missing', field: 'period.start' });
    });
  });

  it('maps a finished trajectory with its end reason (spec §6.3)', () => {
    const extension = [funding('UWV_IPS'), endReason('END_WORK_SUSTAINED')];
    const result = trajectory(episode({ status: 'finished', period: { start: '2025-02-03', end: '2026-01-31' }, extension }));
    expect(result).toMatchObject({ funding_stream: 'UWV_IPS', start_date: '2025-02-03', end_date: '2026-01-31', end_code: 'END_WORK_SUSTAINED' });
  });

  it('gives an end without reason END_UNKNOWN, and a cancelled trajectory after a start its end', () => {
    const statusHistory = [{ status: 'active', period: { start: '2025-02-03', end: '2025-05-01' } }];
    expect(trajectory(episode({ status: 'cancelled', statusHistory, period: { start: '2025-01-15', end: '2025-05-01' } }))).toMatchObject({
      start_date: '2025-02-03',
      end_date: '2025-05-01',
      end_code: 'END_UNKNOWN',
    });
  });

  it('maps every werkbrug event, the planned end and in-work-at-start', () => {
    const extension = [
      { url: `${sd}ips-first-employer-contact`, valueDate: '2025-02-20' },
      { url: `${sd}ips-work-start-reported`, valueDate: '2025-04' },
      { url: `${sd}ips-extension`, valueDate: '2027-01-15' },
      { url: `${sd}ips-education-start`, valueDate: '2025-09-01' },
      { url: `${sd}ips-planned-end`, valueDate: '2027-02' },
      { url: `${sd}ips-in-work-at-start`, valueBoolean: true },
    ];
    expect(trajectory(episode({ extension }))).toEqual({
      programme: 'IPS',
      provider_partner_id: 'ggz-altrecht',
      funding_stream: 'UNKNOWN',
      in_work_at_start: true,
      start_date: '2025-02-03',
      planned_end_date: '2027-02-01',
      events: [
        { code: 'EMPLOYER_CONTACT_FIRST', date: '2025-02-20' },
        { code: 'WORK_START', date: '2025-04-30' },
        { code: 'EDUCATION_START', date: '2025-09-01' },
        { code: 'EXTENSION', date: '2027-01-15' },
      ],
    });
  });

  it('E30: keeps a trajectory whose referralRequest is display-only', () => {
    expect(trajectory(episode({ referralRequest: [{ display: 'Verwijzing door de huisarts' }] }))?.start_date).toBe('2025-02-03');
  });

  describe('E12: an EPD that codes IPS under its own system', () => {
    const local = { type: [{ coding: [{ system: 'urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1', code: 'IPS' }] }] };

    it('is refused without the alias', () => {
      expect(run(episode(local)).rejections[0]).toMatchObject({ reason: 'unknown-code', field: 'type' });
    });

    it('is mapped with the alias configured', () => {
      const tokens = ['https://werkbrug.example/fhir/CodeSystem/ips|ips-trajectory', 'urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1|IPS'];
      expect(run(episode(local), tokens).records[0]?.draft.trajectory?.programme).toBe('IPS');
    });
  });

  it.each([
    ['E14: an end before the start', { period: { start: '2025-02-03', end: '2025-01-01' } }, 'invalid-period', 'period.end'],
    ['an end before START', { status: 'finished', period: { start: '2025-01-15', end: '2025-02-01' } }, 'invalid-period', 'period.end'],
    ['a status period ending before it starts', { statusHistory: [{ status: 'active', period: { start: '2025-02-03', end: '2025-02-01' } }] }, 'invalid-period', 'statusHistory[0].period.end'],
    ['E13: a placeholder start', { period: { start: '${DATE, T, D, -20}' } }, 'invalid-date', 'period.start'],
    ['E13: a placeholder in the status history', { statusHistory: [{ status: 'active', period: { start: '${DATE, T, D, -20}' } }] }, 'invalid-date', 'statusHistory[0].period.start'],
    ['a finished trajectory without end', { status: 'finished' }, 'required-missing', 'period.end'],
    ['an end reason without end', { extension: [endReason('END_HEALTH')] }, 'required-missing', 'period.end'],
    ['a referral outcome as end reason', { status: 'finished', period: { start: '2025-02-03', end: '2025-06-01' }, extension: [endReason('REFERRAL_NOT_STARTED')] }, 'unknown-code', 'extension[0].valueCoding'],
    ['an unknown funding stream', { extension: [funding('PGB')] }, 'unknown-code', 'extension[0].valueCoding'],
    ['an event without date', { extension: [{ url: `${sd}ips-extension` }] }, 'required-missing', 'extension[0].valueDate'],
    ['an event date that does not exist', { extension: [{ url: `${sd}ips-extension`, valueDate: '2025-02-30' }] }, 'invalid-date', 'extension[0].valueDate'],
    ['E11: a status outside R4', { status: 'suspended' }, 'unknown-code', 'status'],
    ['E25: a modifierExtension in the status history', { statusHistory: [{ status: 'active', period: { start: '2025-02-03' }, modifierExtension: [{ url: 'x' }] }] }, 'unknown-modifier', 'statusHistory[0].modifierExtension'],
  ])('quarantines %s', (_name, changes, reason, field) => {
    const out = run(episode(changes));
    expect(out.records).toEqual([]);
    expect(out.rejections[0]).toMatchObject({ sourceRef: 'ggz-altrecht:EpisodeOfCare/eoc-ips-0001/_history/5', reason, field });
  });

  it('E21: retracts an entered-in-error trajectory', () => {
    expect(run(episode({ status: 'entered-in-error' })).records[0]?.draft.source).toMatchObject({ deleted: true, record_key: 'ggz-altrecht:EpisodeOfCare/eoc-ips-0001' });
  });
});
