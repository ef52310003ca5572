import { addDays, amsterdamDate, canaryCount, canaryPerson, nthCanary, type Canaries } from '../../../src/sandbox/index.js';
import type { CarePlan } from './care-plan.js';
import { CAST_PURPOSES } from './fhir-systems.js';

export type { Canaries } from '../../../src/sandbox/index.js';

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
    const address = nthCanary(canaries.addresses, k);
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
