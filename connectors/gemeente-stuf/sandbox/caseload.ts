import { amsterdamDate, CAST, generatedPerson, type Canaries } from '../../../src/sandbox/index.js';
import { canaryPlans } from './canary-plans.js';
import { castPersonsOf, castPlans } from './cast-plans.js';
import { edgeAnchor, edgeCaseSet, type EdgeCase } from './edge-cases.js';
import { generatedPlans } from './generated-plan.js';
import { MutationLog, type MutationSpec } from './mutation-log.js';
import { mutationSpecs, type ObjectPlan } from './object-plan.js';
import { objectNode } from './objects.js';
import type { GemeentePartner } from './partners.js';

/**
 * The data of a scenario (`partners/README.md` §3.2) for one partner: `default` is the cast of its
 * gemeenten plus the generated persons 1…(persons − 9) who live in them (the same persons the ggz
 * sandbox serves for the same seed and count); `edge-cases` adds spec §7; `volume` is `persons`
 * generated persons only. Base mutations are numbered in time order from 10000; edge cases come
 * after them. Generated objects are rebuilt from (seed, n) when served, so a volume log keeps keys
 * and numbers only.
 */
export type Scenario = 'default' | 'edge-cases' | 'volume';

export const DEFAULT_PERSONS: Readonly<Record<Scenario, number>> = { default: 500, 'edge-cases': 500, volume: 100_000 };

export interface LoadRequest {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly persons: number;
  readonly canaries?: Canaries;
  /** Serve nothing at all. */
  readonly empty?: boolean;
}

export interface Caseload {
  readonly log: MutationLog;
  readonly edgeCases: readonly EdgeCase[];
  /** Generated persons considered (1…this); only those in the partner's gemeenten are served. */
  readonly generatedPersons: number;
  /** Generated persons that have at least one object here. */
  readonly servedGenerated: number;
  readonly castPersons: readonly string[];
}

/** Rebuilds generated persons' plans when their objects are served, remembering the last few. */
class GeneratedSource {
  private readonly recent = new Map<number, ObjectPlan[]>();

  constructor(private readonly seed: number, private readonly today: string) {}

  plans(n: number): ObjectPlan[] {
    let plans = this.recent.get(n);
    if (!plans) {
      if (this.recent.size > 512) this.recent.clear();
      plans = generatedPlans(this.seed, n, generatedPerson(this.seed, n), this.today);
      this.recent.set(n, plans);
    }
    return plans;
  }

  specs(n: number): MutationSpec[] {
    const specs: MutationSpec[] = [];
    this.plans(n).forEach((plan, objectIndex) => {
      plan.mutations.forEach((planned, mutationIndex) => {
        // The closure holds the key, indexes and this source, never the plan: states are rebuilt when served.
        const key = plan.key;
        const soort = planned.soort;
        specs.push({
          key,
          soort,
          atMs: planned.atMs,
          ...(planned.state?.type === 'RIV' && soort !== 'V' ? { indicatieIps: planned.state.riv.indicatieIps } : {}),
          person: plan.person,
          build: (number, tijdstip) => {
            const again = this.plans(n)[objectIndex];
            return objectNode(key, { n: number, soort }, again?.mutations[mutationIndex]?.state, again?.client, tijdstip);
          },
        });
      });
    });
    return specs;
  }
}

export function loadCaseload(partner: GemeentePartner, request: LoadRequest, clockMs: number): Caseload {
  const log = new MutationLog();
  if (request.empty) return { log, edgeCases: [], generatedPersons: 0, servedGenerated: 0, castPersons: [] };
  const today = amsterdamDate(clockMs);
  const anchor = edgeAnchor(today);
  const volume = request.scenario === 'volume';
  const specs: MutationSpec[] = [];
  const cast = volume ? [] : castPlans(partner.id);
  for (const plan of cast) specs.push(...mutationSpecs(plan));
  const generatedPersons = volume ? request.persons : Math.max(0, request.persons - CAST.length);
  const source = new GeneratedSource(request.seed, today);
  let servedGenerated = 0;
  for (let n = 1; n <= generatedPersons; n += 1) {
    if (!partner.gemeenten.includes(generatedPerson(request.seed, n).gemeenteCode)) continue;
    const own = source.specs(n);
    if (own.length > 0) servedGenerated += 1;
    specs.push(...own);
  }
  for (const plan of canaryPlans(request.canaries, partner.gemeenten[0] ?? '0344', anchor)) specs.push(...mutationSpecs(plan));
  // Stable sort: ties keep plan order, so a T always precedes its W.
  specs.sort((a, b) => a.atMs - b.atMs);
  for (const spec of specs) log.append(spec);
  let edgeCases: readonly EdgeCase[] = [];
  if (request.scenario === 'edge-cases') {
    const edge = edgeCaseSet(partner.gemeenten[0] ?? '0344', anchor);
    for (const plan of edge.plans) for (const spec of mutationSpecs(plan)) log.append(spec);
    edgeCases = edge.cases;
  }
  return { log, edgeCases, generatedPersons, servedGenerated, castPersons: volume ? [] : castPersonsOf(partner.id) };
}
