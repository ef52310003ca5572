import type { VirtualClock } from '../../../src/sandbox/index.js';
import type { PageContext } from './bundles.js';
import type { Canaries } from './canary-plans.js';
import { loadCaseload, type PersonTruth, type Scenario } from './caseload.js';
import type { EdgeCase } from './edge-cases.js';
import { loadFixtures } from './fixtures.js';
import { PagingStore } from './paging.js';
import type { ResourceStore } from './resource-store.js';

/**
 * Everything a running ggz sandbox holds that a reset replaces: the data set, frozen result sets
 * and the paging switches of E26/E29. Settings fixed at start (consent base, fixture folder, TTL)
 * stay.
 */
export interface LoadRequest {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly persons: number;
  readonly canaries?: Canaries;
}

export interface GgzSettings {
  /** Path of the separate consent service (`/consent/fhir`); Consent is then served only there. */
  readonly consentBase?: string;
  readonly fixturesDir?: string;
  readonly pagingTtlSeconds: number;
}

export interface Dataset {
  readonly store: ResourceStore;
  readonly edgeCases: readonly EdgeCase[];
  readonly source: 'generated' | 'fixtures';
  readonly request: LoadRequest;
  readonly loadedAtMs: number;
  readonly generatedPersons: number;
  persons(): PersonTruth[];
}

export interface PagingOptions {
  /** E26: `next` links on this origin instead of the sandbox's own. */
  readonly nextOrigin?: string;
  /** E29: pages of this size whatever `_count` asks. */
  readonly pageSize?: number;
}

export const FHIR_BASE = '/fhir';

function loadDataset(request: LoadRequest, settings: GgzSettings, clockMs: number): Dataset {
  if (settings.fixturesDir) {
    const { store } = loadFixtures(settings.fixturesDir, clockMs);
    return { store, edgeCases: [], source: 'fixtures', request, loadedAtMs: clockMs, generatedPersons: 0, persons: () => [] };
  }
  const caseload = loadCaseload({ ...request, clockMs });
  return {
    store: caseload.store, edgeCases: caseload.edgeCases, source: 'generated', request, loadedAtMs: clockMs,
    generatedPersons: caseload.generatedPersons, persons: () => caseload.persons(),
  };
}

export class GgzState {
  dataset: Dataset;
  readonly paging: PagingStore;
  pagingOptions: PagingOptions = {};
  /** The sandbox's own origin, known once it listens. */
  origin = 'http://127.0.0.1';

  constructor(readonly clock: VirtualClock, readonly settings: GgzSettings, initial: LoadRequest) {
    this.paging = new PagingStore(clock, settings.pagingTtlSeconds, 128);
    this.dataset = loadDataset(initial, settings, clock.nowMs());
  }

  reload(request: LoadRequest): void {
    this.paging.clear();
    this.pagingOptions = {};
    this.dataset = loadDataset(request, this.settings, this.clock.nowMs());
  }

  get store(): ResourceStore {
    return this.dataset.store;
  }

  baseFor(type: string): string {
    return this.settings.consentBase && type === 'Consent' ? this.settings.consentBase : FHIR_BASE;
  }

  /** FHIR bases served, longest first so `/consent/fhir` wins over a shorter prefix. */
  bases(): string[] {
    return [FHIR_BASE, ...(this.settings.consentBase ? [this.settings.consentBase] : [])].sort((a, b) => b.length - a.length);
  }

  /** Resource types with a search on a base: the four of the spec plus any a fixture folder brought. */
  typesOn(base: string): string[] {
    const types = new Set(['Patient', 'ServiceRequest', 'EpisodeOfCare', 'Consent', ...this.store.types()]);
    return [...types].filter((type) => this.baseFor(type) === base).sort();
  }

  pageContext(): PageContext {
    return {
      origin: this.origin,
      linkOrigin: this.pagingOptions.nextOrigin ?? this.origin,
      store: this.store,
      nowMs: this.clock.nowMs(),
      baseFor: (type) => this.baseFor(type),
      outcomeOnFirstPage: this.dataset.source === 'generated' && this.dataset.request.scenario === 'edge-cases',
    };
  }
}
