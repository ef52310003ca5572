import { amsterdamDate, amsterdamMidnight, isCastId, type CastId } from '../../../src/sandbox/index.js';
import { planCanaries, type Canaries } from './canary-plans.js';
import type { CarePlan, ConsentSummary } from './care-plan.js';
import { planCast } from './cast-plans.js';
import { edgeCaseSet, type EdgeCase } from './edge-cases.js';
import type { JsonObject } from './fhir-json.js';
import type { Purpose } from './fhir-systems.js';
import { planGeneratedPerson, type SlotGrid } from './generated-plan.js';
import { consentFacts, episodeFacts, patientFacts, planVersions, referralFacts } from './plan-versions.js';
import { buildConsent, buildEpisodeOfCare, buildPatient, buildServiceRequest } from './resource-builders.js';
import { ResourceStore, type SearchFacts, type StoredVersion } from './resource-store.js';

/**
 * The data of a scenario (`partners/README.md` §3.2): `default` is the cast plus generated persons
 * up to `persons` in all; `edge-cases` adds every edge case of §7; `volume` is `persons` generated
 * persons only. Canary persons come on top in any scenario. Generated resources are kept as facts
 * and rebuilt from (seed, n) when served, which keeps 100k persons in well under a second of
 * load time per 10k and a few tens of MB.
 */
export type Scenario = 'default' | 'edge-cases' | 'volume';

export interface CaseloadOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  /** Persons in all (cast included) for default and edge-cases; generated persons for volume. */
  readonly persons: number;
  readonly clockMs: number;
  readonly canaries?: Canaries;
}

/** What a person's records and consent are, as seeded. */
export interface PersonTruth {
  /** `P1`…`P9`, `G000001`…, `C01`… */
  readonly key: string;
  readonly bsn: string;
  readonly patientId: string;
  readonly castId?: CastId;
  readonly canary?: boolean;
  readonly consent: ConsentSummary;
  /** Purposes a consent permits on the clock's day at load time. */
  readonly permitted: readonly Purpose[];
  readonly referralId?: string;
  readonly episodeId?: string;
  readonly consentIds: readonly string[];
}

export interface Caseload {
  readonly store: ResourceStore;
  readonly edgeCases: readonly EdgeCase[];
  readonly generatedPersons: number;
  persons(): PersonTruth[];
}

export const DEFAULT_PERSONS: Readonly<Record<Scenario, number>> = { default: 500, 'edge-cases': 500, volume: 100_000 };

/** Rebuilds generated persons' plans on demand, remembering the last few (a page asks twice per person). */
class GeneratedSource {
  private readonly recent = new Map<number, CarePlan>();

  constructor(private readonly seed: number, private readonly grid: SlotGrid, private readonly todayDate: string) {}

  plan(n: number): CarePlan {
    let plan = this.recent.get(n);
    if (!plan) {
      if (this.recent.size > 512) this.recent.clear();
      plan = planGeneratedPerson(this.seed, this.grid, n, this.todayDate);
      this.recent.set(n, plan);
    }
    return plan;
  }

  build(type: string, n: number): JsonObject {
    const plan = this.plan(n);
    if (type === 'ServiceRequest' && plan.referral) return buildServiceRequest(plan.referral, plan.patient);
    if (type === 'EpisodeOfCare' && plan.episode) return buildEpisodeOfCare(plan.episode, plan.patient);
    const consent = plan.consents[0]?.[0];
    if (type === 'Consent' && consent) return buildConsent(consent, plan.patient);
    return buildPatient(plan.patient);
  }
}

/**
 * A generated version: its search facts inline (no separate object) and its JSON rebuilt when
 * served (no closure, no plan kept). A Patient's identifier tokens are derived on demand, as
 * only point lookups need them.
 */
class GeneratedVersion implements StoredVersion, SearchFacts {
  readonly deleted = false;
  readonly patient?: string;
  readonly range?: readonly [number, number];
  private readonly sharedTokens?: Readonly<Record<string, readonly string[]>>;

  constructor(
    readonly type: string,
    readonly id: string,
    readonly versionId: string,
    readonly lastUpdatedMs: number,
    facts: SearchFacts | undefined,
    private readonly source: GeneratedSource,
    private readonly n: number,
  ) {
    if (facts) {
      this.sharedTokens = facts.tokens;
      if (facts.patient !== undefined) this.patient = facts.patient;
      if (facts.range !== undefined) this.range = facts.range;
    }
  }

  get facts(): SearchFacts {
    return this;
  }

  get tokens(): Readonly<Record<string, readonly string[]>> {
    return this.sharedTokens ?? patientFacts(this.source.plan(this.n).patient).tokens;
  }

  body(): JsonObject {
    return this.source.build(this.type, this.n);
  }
}

function permitted(summary: ConsentSummary): readonly Purpose[] {
  if (summary === 'both') return ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'];
  return summary === 'monitor-only' ? ['P_MONITOR_REGIO'] : [];
}

function truthOf(plan: CarePlan, extra: { castId?: CastId; canary?: boolean } = {}): PersonTruth {
  return {
    key: plan.patient.person.key,
    bsn: plan.patient.person.bsn,
    patientId: plan.patient.id,
    ...extra,
    consent: plan.consentSummary,
    permitted: permitted(plan.consentSummary),
    ...(plan.referral ? { referralId: plan.referral.id } : {}),
    ...(plan.episode ? { episodeId: plan.episode.id } : {}),
    consentIds: plan.consents.map((versions) => versions[0]?.id ?? ''),
  };
}

export function loadCaseload(options: CaseloadOptions): Caseload {
  const store = new ResourceStore();
  const todayDate = amsterdamDate(options.clockMs);
  const anchorMs = amsterdamMidnight(todayDate);
  const castPlans = options.scenario === 'volume' ? [] : planCast(anchorMs, todayDate);
  const canaryPlans = planCanaries(options.canaries, anchorMs);
  const generatedPersons = Math.max(0, options.persons - castPlans.length);
  const grid: SlotGrid = { anchorMs, count: Math.max(1, generatedPersons) };
  const source = new GeneratedSource(options.seed, grid, todayDate);

  for (const plan of [...castPlans, ...canaryPlans]) for (const version of planVersions(plan)) store.put(version);
  for (let n = 1; n <= generatedPersons; n += 1) {
    const plan = planGeneratedPerson(options.seed, grid, n, todayDate);
    const { patient, referral, episode } = plan;
    const add = (type: string, stamp: { id: string; versionId: string; lastUpdatedMs: number }, facts: SearchFacts | undefined): void => {
      store.put(new GeneratedVersion(type, stamp.id, stamp.versionId, stamp.lastUpdatedMs, facts, source, n));
    };
    add('Patient', patient, undefined);
    if (referral) add('ServiceRequest', referral, referralFacts(referral, patient));
    if (episode) add('EpisodeOfCare', episode, episodeFacts(episode, patient));
    const consent = plan.consents[0]?.[0];
    if (consent) add('Consent', consent, consentFacts(consent, patient));
  }
  const edge = options.scenario === 'edge-cases' ? edgeCaseSet({ anchorMs, todayDate }) : { cases: [], versions: [] };
  for (const version of edge.versions) store.put(version);

  return {
    store,
    edgeCases: edge.cases,
    generatedPersons,
    persons: () => [
      ...castPlans.map((plan) => truthOf(plan, isCastId(plan.patient.person.key) ? { castId: plan.patient.person.key } : {})),
      ...Array.from({ length: generatedPersons }, (_, i) => truthOf(source.plan(i + 1))),
      ...canaryPlans.map((plan) => truthOf(plan, { canary: true })),
    ],
  };
}
