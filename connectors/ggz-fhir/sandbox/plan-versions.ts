import type { CarePlan, ConsentVersionPlan, EpisodePlan, PatientPlan, ReferralPlan } from './care-plan.js';
import type { JsonObject } from './fhir-json.js';
import { BSN_SYSTEM, CONSENT_CATEGORY_SYSTEM, IPS_SYSTEM, LOINC_SYSTEM, PATIENTNUMMER_SYSTEM, PURPOSE_SYSTEM, STATUS_SYSTEMS } from './fhir-systems.js';
import { parseDateRange } from './fhir-dates.js';
import { buildConsent, buildEpisodeOfCare, buildPatient, buildServiceRequest } from './resource-builders.js';
import type { SearchFacts, StoredVersion } from './resource-store.js';

/**
 * Search facts straight from a plan, without building JSON: what makes 100k persons searchable in
 * memory. `plan-versions.test.ts` checks they equal the facts read from the built resources.
 */
const shared = new Map<string, readonly string[]>();

/** One frozen array per distinct token list, so 400k versions share a handful of arrays. */
function tokens(...values: string[]): readonly string[] {
  const key = values.join('\n');
  let list = shared.get(key);
  if (!list) {
    list = Object.freeze(values);
    shared.set(key, list);
  }
  return list;
}

const status = (type: string, code: string): readonly string[] => tokens(`${STATUS_SYSTEMS[type] ?? ''}|${code}`);
const sharedFacts = new Map<string, Readonly<Record<string, readonly string[]>>>();

/** One token record per distinct combination (type, status, purposes), shared like the arrays. */
function tokenRecord(key: string, make: () => Readonly<Record<string, readonly string[]>>): Readonly<Record<string, readonly string[]>> {
  let record = sharedFacts.get(key);
  if (!record) {
    record = Object.freeze(make());
    sharedFacts.set(key, record);
  }
  return record;
}
const IPS_REFERRAL = tokens(`${IPS_SYSTEM}|ips-referral`);
const IPS_TRAJECTORY = tokens(`${IPS_SYSTEM}|ips-trajectory`);
const CONSENT_CATEGORIES = tokens(`${LOINC_SYSTEM}|59284-0`, `${CONSENT_CATEGORY_SYSTEM}|ips-data-sharing`);

export function patientFacts(plan: PatientPlan): SearchFacts {
  return { tokens: { identifier: [`${BSN_SYSTEM}|${plan.person.bsn}`, `${PATIENTNUMMER_SYSTEM}|${plan.patientNumber}`] } };
}

export function referralFacts(plan: ReferralPlan, patient: PatientPlan): SearchFacts {
  const second = Math.floor(plan.authoredMs / 1000) * 1000;
  const record = tokenRecord(`ServiceRequest ${plan.status}`, () => ({ code: IPS_REFERRAL, status: status('ServiceRequest', plan.status) }));
  return { tokens: record, patient: patient.id, range: [second, second + 1000] };
}

export function episodeFacts(plan: EpisodePlan, patient: PatientPlan): SearchFacts {
  const start = plan.activeFrom ? parseDateRange(plan.activeFrom) : undefined;
  const end = plan.end ? parseDateRange(plan.end) : undefined;
  return {
    tokens: tokenRecord(`EpisodeOfCare ${plan.status}`, () => ({ type: IPS_TRAJECTORY, status: status('EpisodeOfCare', plan.status) })),
    patient: patient.id,
    ...(start ? { range: [start[0], end?.[1] ?? Number.POSITIVE_INFINITY] as const } : {}),
  };
}

export function consentFacts(plan: ConsentVersionPlan, patient: PatientPlan | undefined): SearchFacts {
  return {
    tokens: tokenRecord(`Consent ${plan.status} ${plan.purposes.join(' ')}`, () => ({
      category: CONSENT_CATEGORIES,
      status: status('Consent', plan.status),
      purpose: tokens(...plan.purposes.map((purpose) => `${PURPOSE_SYSTEM}|${purpose}`)),
    })),
    ...(patient ? { patient: patient.id } : {}),
  };
}

function version(type: string, stamp: { id: string; versionId: string; lastUpdatedMs: number }, facts: SearchFacts, body: () => JsonObject): StoredVersion {
  return { type, id: stamp.id, versionId: stamp.versionId, lastUpdatedMs: stamp.lastUpdatedMs, deleted: false, facts, body };
}

/** The stored versions of a plan, older Consent versions first so the latest ends up current. */
export function planVersions(plan: CarePlan): StoredVersion[] {
  const { patient, referral, episode } = plan;
  const versions = [version('Patient', patient, patientFacts(patient), () => buildPatient(patient))];
  if (referral) versions.push(version('ServiceRequest', referral, referralFacts(referral, patient), () => buildServiceRequest(referral, patient)));
  if (episode) versions.push(version('EpisodeOfCare', episode, episodeFacts(episode, patient), () => buildEpisodeOfCare(episode, patient)));
  for (const consent of plan.consents) {
    for (const step of consent) versions.push(version('Consent', step, consentFacts(step, patient), () => buildConsent(step, patient)));
  }
  return versions;
}
