import { bsnFromPrefix, generatedPerson, type SandboxPerson } from '../../../src/sandbox/index.js';
import type { ConsentVersionPlan, EpisodePlan, PatientPlan, ReferralPlan } from './care-plan.js';
import type { JsonObject } from './fhir-json.js';
import { CAST_PURPOSES } from './fhir-systems.js';
import { jsonVersion } from './json-version.js';
import { buildConsent, buildEpisodeOfCare, buildPatient, buildServiceRequest } from './resource-builders.js';
import type { BuildContext, ServingFlags, StoredVersion } from './resource-store.js';

/**
 * Helpers for the edge cases of `partners/ggz-fhir-r4.md` §7: each case starts from a well-formed
 * resource and breaks exactly one thing. Ids start with `edge-NN-`; edge persons get valid BSNs of
 * range 991xxxxxx unless the case is about the BSN.
 */
export type EdgeCode = `E${string}`;

export interface EdgeCase {
  readonly code: EdgeCode;
  /** Stable ids of the resources (or, for control-served cases, of the case itself). */
  readonly ids: readonly string[];
  /** `data`: in the edge-cases scenario's data; `control`: switched on by a control call. */
  readonly servedBy: 'data' | 'control' | 'data+control';
  readonly what: string;
  /** The control call that serves or completes it. */
  readonly control?: string;
}

export interface EdgeKit {
  readonly anchorMs: number;
  readonly todayDate: string;
}

export interface EdgeCaseSet {
  readonly cases: readonly EdgeCase[];
  readonly versions: readonly StoredVersion[];
}

const DAY = 86_400_000;

/** When case NN's records were last updated: spread over ~7 months before the clock's day. */
export function edgeTime(kit: EdgeKit, nn: number, minute = 0): number {
  return kit.anchorMs - (220 - nn * 5) * DAY + (10 * 60 + minute) * 60_000 + nn * 137;
}

export function edgeBsn(nn: number, k = 0): string {
  return bsnFromPrefix(99_100_000 + 2 * (nn * 10 + k));
}

export function edgePerson(nn: number, k = 0, overrides: Partial<SandboxPerson> = {}): SandboxPerson {
  return { ...generatedPerson(0xed6e, nn * 10 + k + 1), key: `E${String(nn).padStart(2, '0')}`, bsn: edgeBsn(nn, k), ...overrides };
}

export function patientPlan(kit: EdgeKit, nn: number, id: string, person: SandboxPerson, minute = 0): PatientPlan {
  return { id, versionId: '1', lastUpdatedMs: edgeTime(kit, nn, minute), person, patientNumber: `GGZ-E${nn}${minute}` };
}

export function episodePlan(kit: EdgeKit, nn: number, id: string, overrides: Partial<EpisodePlan> = {}): EpisodePlan {
  return {
    id, versionId: '1', lastUpdatedMs: edgeTime(kit, nn, 2), status: 'active', identifierValue: `IPS-E-${nn}`,
    queuedFrom: '2025-03-03', activeFrom: '2025-03-17', fundingStream: 'GEM_IPS_SUBSIDIE', careManager: 'M. de Wit', ...overrides,
  };
}

export function referralPlan(kit: EdgeKit, nn: number, id: string, overrides: Partial<ReferralPlan> = {}): ReferralPlan {
  return {
    id, versionId: '1', lastUpdatedMs: edgeTime(kit, nn, 1), status: 'completed', authoredMs: Date.parse('2025-02-24T10:00:00+01:00'),
    referrerType: 'ggz-treatment-team', identifierValue: `VW-E-${nn}`, ...overrides,
  };
}

export function consentPlan(kit: EdgeKit, nn: number, id: string, overrides: Partial<ConsentVersionPlan> = {}): ConsentVersionPlan {
  return {
    id, versionId: '1', lastUpdatedMs: edgeTime(kit, nn, 3), status: 'active', purposes: CAST_PURPOSES,
    dateTimeMs: Date.parse('2025-03-03T11:00:00+01:00'), periodStart: '2025-03-03', form: 'written', identifierValue: `TST-E-${nn}`, ...overrides,
  };
}

/** A version from JSON, patched after building (the broken part of the case). */
export function served(json: JsonObject, stamp: { versionId: string; lastUpdatedMs: number }, serving?: ServingFlags): StoredVersion {
  return jsonVersion(json, { versionId: stamp.versionId, lastUpdatedMs: stamp.lastUpdatedMs, ...(serving ? { serving } : {}) });
}

export function servedWith(build: (context: BuildContext) => JsonObject, stamp: { versionId: string; lastUpdatedMs: number }): StoredVersion {
  return jsonVersion(build, stamp);
}

/**
 * A person-level case: the (patched) Patient `id` plus an active trajectory `id-eoc` and a consent
 * `id-consent` for both purposes, so the patient's records reach the point where the case bites.
 */
export function personCase(
  kit: EdgeKit, nn: number, id: string, person: SandboxPerson, patch: (patient: JsonObject) => JsonObject = (patient) => patient, k = 0, serving?: ServingFlags,
): StoredVersion[] {
  const patient = patientPlan(kit, nn, id, person, k * 5);
  const episode = episodePlan(kit, nn, `${id}-eoc`, { lastUpdatedMs: edgeTime(kit, nn, k * 5 + 1), identifierValue: `IPS-E-${nn}-${k}` });
  const consent = consentPlan(kit, nn, `${id}-consent`, { lastUpdatedMs: edgeTime(kit, nn, k * 5 + 2), identifierValue: `TST-E-${nn}-${k}` });
  return [
    served(patch(buildPatient(patient)), patient, serving),
    served(buildEpisodeOfCare(episode, patient), episode, serving),
    served(buildConsent(consent, patient), consent, serving),
  ];
}

export { buildConsent, buildEpisodeOfCare, buildPatient, buildServiceRequest };
