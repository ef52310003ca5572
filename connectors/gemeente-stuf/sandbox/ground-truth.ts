import { formatAmsterdamInstant } from '../../../src/sandbox/index.js';
import type { Entiteittype } from '../stuf-names.js';
import type { EdgeCase } from './edge-cases.js';
import type { GemeenteState } from './gemeente-state.js';
import type { MutationExpectation } from './object-plan.js';

/**
 * What the sandbox serves, for tests and the contract kit: every object with every mutation (in
 * number order), whether it is visible yet, and what the connector must make of it (a record, a
 * tombstone, or a rejection with its reason; G19's held-back mutation is marked `late`).
 */
export interface GroundTruthMutation {
  readonly n: number;
  readonly soort: 'T' | 'W' | 'V';
  readonly visible: boolean;
  /** Held back until this number has been served. */
  readonly visibleAfter?: number;
  readonly expect: MutationExpectation;
}

export interface GroundTruthObject {
  readonly entiteittype: Entiteittype;
  readonly identificatie: string;
  readonly gemeentecode: string;
  /** `P1`, `G000012`, `C01`, `E-G07A`, or `control` for objects created through the control API. */
  readonly person?: string;
  readonly edgeCase?: string;
  /** The latest visible mutation is a V. */
  readonly removed: boolean;
  readonly mutations: readonly GroundTruthMutation[];
}

export interface GemeenteGroundTruth {
  readonly partner: string;
  readonly ontvanger: string;
  readonly gemeenten: readonly string[];
  readonly source: 'generated' | 'fixtures';
  readonly scenario: string;
  readonly seed: number;
  readonly personCount: number;
  readonly generatedPersons: number;
  readonly servedGeneratedPersons: number;
  readonly castPersons: readonly string[];
  readonly clock: string;
  readonly loadedAt: string;
  /** Ordered by the number of each object's first mutation. */
  readonly objects: readonly GroundTruthObject[];
  readonly edgeCases: readonly EdgeCase[];
}

export function groundTruth(state: GemeenteState): GemeenteGroundTruth {
  const objects = new Map<string, { object: Omit<GroundTruthObject, 'mutations' | 'removed'>; mutations: GroundTruthMutation[] }>();
  for (const mutation of state.caseload.log.all) {
    const id = `${mutation.key.type}/${mutation.key.identificatie}`;
    let entry = objects.get(id);
    if (!entry) {
      entry = {
        object: {
          entiteittype: mutation.key.type, identificatie: mutation.key.identificatie, gemeentecode: mutation.key.gemeentecode,
          ...(mutation.person ? { person: mutation.person } : {}), ...(mutation.edgeCase ? { edgeCase: mutation.edgeCase } : {}),
        },
        mutations: [],
      };
      objects.set(id, entry);
    }
    entry.mutations.push({
      n: mutation.n, soort: mutation.soort, visible: mutation.visible,
      ...(mutation.visibleAfter !== undefined ? { visibleAfter: mutation.visibleAfter } : {}),
      expect: mutation.expect ?? { outcome: mutation.soort === 'V' ? 'tombstone' : 'record' },
    });
  }
  const { request, caseload } = state;
  return {
    partner: state.partner.id,
    ontvanger: state.partner.ontvanger,
    gemeenten: state.partner.gemeenten,
    source: state.fixtures ? 'fixtures' : 'generated',
    scenario: request.scenario,
    seed: request.seed,
    personCount: request.persons,
    generatedPersons: caseload.generatedPersons,
    servedGeneratedPersons: caseload.servedGenerated,
    castPersons: caseload.castPersons,
    clock: formatAmsterdamInstant(state.clock.nowMs()),
    loadedAt: formatAmsterdamInstant(state.loadedAtMs),
    objects: [...objects.values()].map(({ object, mutations }) => {
      const visible = mutations.filter((m) => m.visible);
      return { ...object, removed: visible[visible.length - 1]?.soort === 'V', mutations };
    }),
    edgeCases: caseload.edgeCases,
  };
}
