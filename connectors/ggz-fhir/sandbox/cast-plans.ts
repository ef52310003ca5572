import { addDays, addMonths, amsterdamDate, amsterdamLocal, CAST, type CastPerson } from '../../../src/sandbox/index.js';
import type { CarePlan, ConsentSummary, ConsentVersionPlan, EpisodePlan, PatientPlan, ReferralPlan } from './care-plan.js';
import { CAST_PURPOSES, type Purpose } from './fhir-systems.js';

/**
 * The ggz records of the cast (`partners/README.md` §1). Story dates are the absolute ones of the
 * cast table and of the spec's examples (P1 is exactly §6.1–§6.4; P3's withdrawal is §6.6); P5's
 * consent ends last month relative to the clock. An instant that would lie in the clock's future
 * is moved to just before the clock's day, so everything served is in the past.
 */
interface Stamp {
  readonly id: string;
  readonly versionId: string;
  readonly lastUpdatedMs: number;
}

function person(key: CastPerson['key']): CastPerson {
  const found = CAST.find((candidate) => candidate.key === key);
  if (!found) throw new RangeError(`no cast person ${key}`);
  return found;
}

export function planCast(anchorMs: number, todayDate: string): CarePlan[] {
  let clamped = 0;
  const past = (iso: string): number => {
    const ms = Date.parse(iso);
    if (ms < anchorMs) return ms;
    clamped += 1;
    return anchorMs - clamped * 60_000;
  };
  const stamp = (id: string, versionId: string, iso: string): Stamp => ({ id, versionId, lastUpdatedMs: past(iso) });
  const patient = (key: CastPerson['key'], versionId: string, iso: string, patientNumber: string): PatientPlan => ({
    ...stamp(`pat-000${key.slice(1)}`, versionId, iso), person: person(key), patientNumber,
  });
  const consent = (id: string, iso: string, dateTime: string, status: ConsentVersionPlan['status'], purposes: readonly Purpose[], identifierValue: string): ConsentVersionPlan => {
    const dateTimeMs = past(dateTime);
    const periodStart = amsterdamDate(dateTimeMs);
    return { ...stamp(id, '1', iso), status, purposes, dateTimeMs, periodStart, periodEnd: addDays(addMonths(periodStart, 24), -1), form: 'written', identifierValue };
  };
  const episode = (id: string, versionId: string, iso: string, queuedFrom: string, activeFrom: string, fundingStream: string, extra: Partial<EpisodePlan> = {}): EpisodePlan => ({
    ...stamp(id, versionId, iso), status: 'active', identifierValue: `IPS-${activeFrom.slice(0, 4)}-00${id.slice(-2)}`, queuedFrom, activeFrom, fundingStream,
    careManager: 'J. Bakker', ...extra,
  });
  const referral = (id: string, versionId: string, iso: string, status: ReferralPlan['status'], authored: string, extra: Partial<ReferralPlan>): ReferralPlan => ({
    ...stamp(id, versionId, iso), status, authoredMs: past(authored), identifierValue: `VW-2025-0000${id.slice(-2)}`, ...extra,
  });
  const plan = (patientPlan: PatientPlan, consentSummary: ConsentSummary, parts: Partial<Omit<CarePlan, 'patient' | 'consentSummary'>>): CarePlan => ({
    patient: patientPlan, consents: [], consentSummary, ...parts,
  });

  // P5: a two-year consent that ended on the 15th of last month, relative to the clock.
  const p5End = addMonths(`${todayDate.slice(0, 8)}15`, -1);
  const p5Start = addDays(addMonths(p5End, -24), 1);
  const p5ConsentAt = amsterdamLocal(p5Start, '10:30');
  const p5Active = addDays(p5Start, 14);
  // P3: version 2 of the same Consent, withdrawn (`inactive`) with a later lastUpdated (§6.6).
  const p3Given = consent('cns-0003', '2024-12-18T11:02:37.118+01:00', '2024-12-18T11:00:00+01:00', 'active', CAST_PURPOSES, 'TST-2024-0944');
  const p3Withdrawn: ConsentVersionPlan = { ...p3Given, ...stamp('cns-0003', '2', '2025-06-01T13:10:00.000+02:00'), status: 'inactive', dateTimeMs: past('2025-06-01T13:05:00+02:00') };

  return [
    plan(patient('P1', '3', '2025-01-10T09:12:44.118+01:00', 'GGZ-004512'), 'both', {
      referral: referral('sr-20250114-0042', '2', '2025-01-15T08:41:07.512+01:00', 'completed', '2025-01-14T15:20:00+01:00', {
        referrerType: 'gemeente', identifierValue: 'VW-2025-000042', notes: ['Cliënt wil in de horeca werken; klantmanager belt 999990019 terug.'],
      }),
      episode: episode('eoc-ips-0001', '5', '2025-06-02T10:03:55.090+02:00', '2025-01-15', '2025-02-03', 'GEM_IPS_SUBSIDIE', {
        identifierValue: 'IPS-2025-0017', firstEmployerContact: '2025-02-20', referralId: 'sr-20250114-0042', diagnosis: 'Schizofrenie',
      }),
      consents: [[{ ...consent('cns-0001', '2025-01-20T11:35:02.400+01:00', '2025-01-20T11:32:00+01:00', 'active', CAST_PURPOSES, 'TST-2025-0188'), periodEnd: '2027-01-19' }]],
    }),
    plan(patient('P2', '1', '2025-02-11T10:02:13.400+01:00', 'GGZ-004601'), 'monitor-only', {
      referral: referral('sr-0002', '2', '2025-03-03T09:15:31.220+01:00', 'completed', '2025-02-10T14:05:00+01:00', { referrerType: 'ggz-treatment-team' }),
      episode: episode('eoc-ips-0002', '2', '2025-03-03T09:20:04.871+01:00', '2025-02-12', '2025-03-03', 'UWV_IPS', { referralId: 'sr-0002' }),
      consents: [[consent('cns-0002', '2025-02-11T10:31:45.002+01:00', '2025-02-11T10:30:00+01:00', 'active', ['P_MONITOR_REGIO'], 'TST-2025-0201')]],
    }),
    plan(patient('P3', '1', '2024-12-16T13:44:09.310+01:00', 'GGZ-003977'), 'withdrawn', {
      episode: episode('eoc-ips-0003', '2', '2025-01-06T09:01:12.640+01:00', '2024-12-17', '2025-01-06', 'GEM_IPS_SUBSIDIE'),
      consents: [[p3Given, p3Withdrawn]],
    }),
    plan(patient('P4', '1', '2025-03-04T15:20:00.512+01:00', 'GGZ-004733'), 'rejected', {
      referral: referral('sr-0004', '1', '2025-03-04T15:22:18.930+01:00', 'active', '2025-03-04T15:10:00+01:00', { referrerType: 'uwv' }),
      consents: [[consent('cns-0004', '2025-03-11T10:04:51.377+01:00', '2025-03-11T10:00:00+01:00', 'rejected', CAST_PURPOSES, 'TST-2025-0262')]],
    }),
    plan(patient('P5', '2', new Date(p5ConsentAt - 86_400_000).toISOString(), 'GGZ-003121'), 'expired', {
      episode: episode('eoc-ips-0005', '2', new Date(amsterdamLocal(p5Active, '09:12')).toISOString(), p5Start, p5Active, 'GEM_IPS_SUBSIDIE'),
      consents: [[{ ...consent('cns-0005', new Date(p5ConsentAt + 95_000).toISOString(), new Date(p5ConsentAt).toISOString(), 'active', CAST_PURPOSES, 'TST-0005'), periodStart: p5Start, periodEnd: p5End }]],
    }),
    plan(patient('P6', '1', '2025-04-01T11:20:41.005+02:00', 'GGZ-004850'), 'none', {
      episode: episode('eoc-ips-0006', '2', '2025-04-07T09:33:10.660+02:00', '2025-04-02', '2025-04-07', 'UWV_IPS'),
    }),
    plan(patient('P7', '1', '2025-03-10T10:00:02.090+01:00', 'GGZ-004790'), 'both', {
      episode: episode('eoc-ips-0007', '2', '2025-03-17T09:45:27.300+01:00', '2025-03-11', '2025-03-17', 'GEM_IPS_SUBSIDIE'),
      consents: [[consent('cns-0007', '2025-03-11T14:12:09.811+01:00', '2025-03-11T14:10:00+01:00', 'active', CAST_PURPOSES, 'TST-2025-0271')]],
    }),
    plan(patient('P8', '1', '2025-02-05T08:55:13.444+01:00', 'GGZ-004588'), 'both', {
      episode: episode('eoc-ips-0008', '2', '2025-02-17T10:10:10.010+01:00', '2025-02-06', '2025-02-17', 'GEM_IPS_SUBSIDIE'),
      consents: [[consent('cns-0008', '2025-02-06T13:21:40.600+01:00', '2025-02-06T13:20:00+01:00', 'active', CAST_PURPOSES, 'TST-2025-0213')]],
    }),
    plan(patient('P9', '1', '2025-02-10T09:02:55.200+01:00', 'GGZ-004590'), 'both', {
      referral: referral('sr-0009', '2', '2025-03-20T16:40:03.870+01:00', 'revoked', '2025-02-10T09:30:00+01:00', { referrerType: 'gemeente', endReason: 'REFERRAL_NOT_STARTED' }),
      consents: [[consent('cns-0009', '2025-02-12T11:15:00.250+01:00', '2025-02-12T11:10:00+01:00', 'active', CAST_PURPOSES, 'TST-2025-0219')]],
    }),
  ];
}
