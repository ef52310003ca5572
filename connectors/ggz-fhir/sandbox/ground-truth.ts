import { formatAmsterdamInstant } from '../../../src/sandbox/index.js';
import type { PersonTruth } from './caseload.js';
import type { EdgeCase } from './edge-cases.js';
import type { GgzState } from './ggz-state.js';

/**
 * What the sandbox serves, for tests that compare a full pull with it. `resources` reflects the
 * store now (control changes included); `persons` is the seeded truth (who has which consent, as
 * of the clock's day at load) and does not follow later control changes.
 */
export interface GroundTruthResource {
  readonly id: string;
  /** The latest version (for a deleted resource: the deletion's version). */
  readonly versionId: string;
  readonly lastUpdated: string;
  readonly deleted: boolean;
  /** Every retained version id, oldest first. */
  readonly versions: readonly string[];
}

export interface GgzGroundTruth {
  readonly partner: 'ggz';
  readonly source: 'generated' | 'fixtures';
  readonly scenario: string;
  readonly seed: number;
  /** Persons asked for (cast included, except in `volume`). */
  readonly personCount: number;
  readonly generatedPersons: number;
  readonly clock: string;
  readonly loadedAt: string;
  /** Per resource type, in ascending lastUpdated then id order. */
  readonly resources: Readonly<Record<string, readonly GroundTruthResource[]>>;
  /** Cast, generated and canary persons with their BSN and seeded consent (empty in fixture mode). */
  readonly persons: readonly PersonTruth[];
  readonly edgeCases: readonly EdgeCase[];
}

export function groundTruth(state: GgzState): GgzGroundTruth {
  const { dataset, store } = state;
  const resources: Record<string, GroundTruthResource[]> = {};
  for (const type of store.types()) {
    resources[type] = store.latestOfType(type).map((version) => ({
      id: version.id,
      versionId: version.versionId,
      lastUpdated: formatAmsterdamInstant(version.lastUpdatedMs),
      deleted: version.deleted,
      versions: store.versions(type, version.id).map((item) => item.versionId),
    }));
  }
  return {
    partner: 'ggz',
    source: dataset.source,
    scenario: dataset.request.scenario,
    seed: dataset.request.seed,
    personCount: dataset.request.persons,
    generatedPersons: dataset.generatedPersons,
    clock: formatAmsterdamInstant(state.clock.nowMs()),
    loadedAt: formatAmsterdamInstant(dataset.loadedAtMs),
    resources,
    persons: dataset.persons(),
    edgeCases: dataset.edgeCases,
  };
}
