import { addDays, amsterdamDate, bsnFromPrefix, generatedPerson, type SandboxPerson } from '../../../src/sandbox/index.js';
import type { CarePlan } from './care-plan.js';
import { CAST_PURPOSES } from './fhir-systems.js';

/**
 * Canaries: values a privacy test plants and then searches for in logs, Redis and the store.
 * Each canary person carries them where a real EPD does (Patient name, address, birth date and
 * narrative; reference `display`; ServiceRequest.note; narratives with the notes) and has an
 * active trajectory and consent for both purposes, so the records travel the whole pipeline.
 */
export interface Canaries {
  /** Full names (`Given Family`); the last word becomes the family name. */
  readonly names?: readonly string[];
  /** BSNs as the EPD serves them; a canary person without one gets a valid BSN of range 992xxxxxx. */
  readonly bsns?: readonly string[];
  /** Address lines (`Kerkstraat 1`). */
  readonly addresses?: readonly string[];
  readonly birthDates?: readonly string[];
  /** Free text for ServiceRequest.note and the narratives (`text.div`). */
  readonly notes?: readonly string[];
}

export function canaryCount(canaries: Canaries | undefined): number {
  if (!canaries) return 0;
  const lengths = [canaries.names, canaries.bsns, canaries.addresses, canaries.birthDates].map((list) => list?.length ?? 0);
  return Math.max(...lengths, (canaries.notes?.length ?? 0) > 0 ? 1 : 0);
}

function nth(list: readonly string[] | undefined, k: number): string | undefined {
  return list && list.length > 0 ? list[k % list.length] : undefined;
}

function canaryPerson(canaries: Canaries, k: number): SandboxPerson {
  const base = generatedPerson(0xca7a, k + 1);
  const name = nth(canaries.names, k);
  const words = name?.trim().split(/\s+/) ?? [];
  const familyName = words.length > 1 ? words[words.length - 1] : undefined;
  return {
    ...base,
    key: `C${String(k + 1).padStart(2, '0')}`,
    bsn: canaries.bsns?.[k] ?? bsnFromPrefix(99_200_000 + 2 * k),
    ...(name ? { givenName: words.slice(0, -1).join(' ') || name, familyName: familyName ?? name, familyPrefix: undefined } : {}),
    birthDate: nth(canaries.birthDates, k) ?? base.birthDate,
  };
}

/** Canary persons, the newest records of the EPD (just before the clock's day). */
export function planCanaries(canaries: Canaries | undefined, anchorMs: number): CarePlan[] {
  const count = canaryCount(canaries);
  if (!canaries || count === 0) return [];
  const notes = canaries.notes && canaries.notes.length > 0 ? canaries.notes : undefined;
  return Array.from({ length: count }, (_, k): CarePlan => {
    const person = canaryPerson(canaries, k);
    const key = `canary-${String(k + 1).padStart(2, '0')}`;
    const at = anchorMs - (count - k) * 600_000;
    const today = amsterdamDate(at);
    const activeFrom = addDays(today, -30);
    const address = nth(canaries.addresses, k);
    return {
      patient: { id: `pat-${key}`, versionId: '1', lastUpdatedMs: at, person, patientNumber: `GGZ-C${k + 1}`, ...(notes ? { notes } : {}), ...(address ? { addressLine: address } : {}) },
      referral: {
        id: `sr-${key}`, versionId: '2', lastUpdatedMs: at + 1_000, status: 'completed', authoredMs: at - 45 * 86_400_000,
        referrerType: 'ggz-treatment-team', identifierValue: `VW-C-${k + 1}`, ...(notes ? { notes } : {}),
      },
      episode: {
        id: `eoc-${key}`, versionId: '2', lastUpdatedMs: at + 2_000, status: 'active', identifierValue: `IPS-C-${k + 1}`,
        queuedFrom: addDays(activeFrom, -10), activeFrom, fundingStream: 'GEM_IPS_SUBSIDIE', referralId: `sr-${key}`,
        diagnosis: 'Depressieve stoornis', careManager: 'J. Bakker', ...(notes ? { notes } : {}),
      },
      consents: [[{
        id: `cns-${key}`, versionId: '1', lastUpdatedMs: at + 3_000, status: 'active', purposes: CAST_PURPOSES,
        dateTimeMs: at - 40 * 86_400_000, periodStart: addDays(activeFrom, -9), form: 'written', identifierValue: `TST-C-${k + 1}`,
      }]],
      consentSummary: 'both',
    };
  });
}
