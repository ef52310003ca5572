import { addDays, amsterdamDate, canaryCount, canaryPerson, nthCanary, type Canaries } from '../../../src/sandbox/index.js';
import type { ObjectPlan } from './object-plan.js';
import type { StufClient } from './objects.js';

export type { Canaries } from '../../../src/sandbox/index.js';

/**
 * Canary persons (`src/sandbox/canaries.ts`): each gets an IPS provision (granted, started) and an
 * open bijstand in the partner's first gemeente, with the planted names, BSN, birth date and
 * address in the client and the notes in `omschrijving` and as the klantmanager. They are the
 * newest base data (just before the clock's day), so they are served in every pull.
 */
export function canaryPlans(canaries: Canaries | undefined, gemeente: string, anchorMs: number): ObjectPlan[] {
  const count = canaryCount(canaries);
  if (!canaries || count === 0) return [];
  const notes = canaries.notes && canaries.notes.length > 0 ? canaries.notes.join(' / ') : undefined;
  return Array.from({ length: count }, (_, k): ObjectPlan[] => {
    const person = canaryPerson(canaries, k);
    const atMs = anchorMs - (count - k) * 600_000;
    const today = amsterdamDate(atMs);
    const address = nthCanary(canaries.addresses, k);
    const client: StufClient = {
      bsn: person.bsn, familyName: person.familyName, givenNames: person.givenName, birthDate: person.birthDate, gender: 'O',
      address: { street: address ?? person.street, houseNumber: person.houseNumber, postalCode: person.postalCode, city: person.gemeenteName },
    };
    const number = String(k + 1).padStart(2, '0');
    return [
      {
        key: { type: 'RIV', identificatie: `${gemeente}-RV-C-${number}`, sleutel: `RVC${number}`, gemeentecode: gemeente }, client, person: person.key,
        mutations: [{
          soort: 'T', atMs,
          state: {
            type: 'RIV',
            riv: {
              typeVoorziening: 'IPS', doel: 'W', indicatieIps: 'J', verwijzer: 'GGZ', financiering: 'SUBSIDIE-IPS', datumAanvraag: addDays(today, -50),
              besluit: 'TOEGEKEND', datumBesluit: addDays(today, -40), datumAanvang: addDays(today, -30),
              ...(notes ? { omschrijving: notes, behandelaar: notes.slice(0, 200) } : {}),
            },
          },
        }],
      },
      {
        key: { type: 'PWU', identificatie: `${gemeente}-PW-C-${number}`, sleutel: `PWC${number}`, gemeentecode: gemeente }, client, person: person.key,
        mutations: [{ soort: 'T', atMs: atMs + 1_000, state: { type: 'PWU', pwu: { soortUitkering: 'PW', datumAanvang: addDays(today, -200) } } }],
      },
    ];
  }).flat();
}
