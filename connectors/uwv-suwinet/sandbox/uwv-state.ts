import { amsterdamDate, CAST, generatedBsn, type Canaries, type VirtualClock } from '../../../src/sandbox/index.js';
import { castData } from './cast-data.js';
import { edgeCaseSet, type EdgeCase } from './edge-cases.js';
import { loadFixtures } from './fixtures.js';
import { canaryData, generatedData } from './generated.js';
import type { ServedPerson } from './served.js';

/**
 * What the UWV sandbox serves, keyed by BSN: the cast, the edge-case persons, canary persons and
 * control changes in memory; generated persons are rebuilt from (seed, n) when asked about, so a
 * volume scenario of 100,000 persons keeps only their BSNs. The sandbox keeps no memory of who
 * was asked (spec §9): that is the journal's job, and it holds hashes only.
 */
export type Scenario = 'default' | 'edge-cases' | 'volume';
export const DEFAULT_PERSONS: Readonly<Record<Scenario, number>> = { default: 500, 'edge-cases': 500, volume: 100_000 };

export interface LoadRequest {
  readonly scenario: Scenario;
  readonly seed: number;
  /** Persons in all (cast included except in `volume`). */
  readonly persons: number;
  readonly canaries?: Canaries;
}

export class UwvState {
  /** Cast, edge cases, canaries, fixtures and control PUTs, by BSN. */
  private explicit = new Map<string, ServedPerson>();
  /** Generated person number by BSN. */
  private generated = new Map<string, number>();
  /** BSNs deleted through the control API: unknown to UWV until the next reset. */
  private deleted = new Set<string>();
  request: LoadRequest;
  today = '';
  edgeCases: readonly EdgeCase[] = [];
  source: 'generated' | 'fixtures' = 'generated';
  fixtureFiles = 0;

  constructor(
    readonly clock: VirtualClock,
    readonly fixturesDir: string | undefined,
    initial: LoadRequest,
  ) {
    this.request = initial;
    this.reload(initial);
  }

  reload(request: LoadRequest): void {
    this.request = request;
    this.today = amsterdamDate(this.clock.nowMs());
    this.explicit = new Map();
    this.generated = new Map();
    this.deleted = new Set();
    this.edgeCases = [];
    if (this.fixturesDir !== undefined) {
      const load = loadFixtures(this.fixturesDir);
      this.source = 'fixtures';
      this.fixtureFiles = load.files;
      for (const person of load.persons) this.explicit.set(person.bsn, person);
      return;
    }
    this.source = 'generated';
    const castCount = request.scenario === 'volume' ? 0 : CAST.length;
    if (request.scenario !== 'volume') for (const person of castData()) this.explicit.set(person.bsn, person);
    if (request.scenario === 'edge-cases') {
      const set = edgeCaseSet(this.today);
      for (const person of set.persons) this.explicit.set(person.bsn, person);
      for (const [key, extras] of Object.entries(set.castExtras)) {
        const cast = [...this.explicit.values()].find((p) => p.key === key);
        if (cast) this.explicit.set(cast.bsn, { ...cast, ikv: [...cast.ikv, ...extras], ikvAnswer: { kind: 'data' } });
      }
      this.edgeCases = set.cases;
    }
    for (const person of canaryData(request.canaries, this.today)) this.explicit.set(person.bsn, person);
    for (let n = 1; n <= Math.max(0, request.persons - castCount); n += 1) this.generated.set(generatedBsn(request.seed, n), n);
  }

  /** The clock's calendar day now: the delivered period follows the clock, the data do not. */
  currentDay(): string {
    return amsterdamDate(this.clock.nowMs());
  }

  /** What is served for a BSN; undefined = unknown to UWV (NietsGevonden). */
  person(bsn: string): ServedPerson | undefined {
    if (this.deleted.has(bsn)) return undefined;
    const explicit = this.explicit.get(bsn);
    if (explicit) return explicit;
    const n = this.generated.get(bsn);
    return n === undefined ? undefined : generatedData(this.request.seed, n, this.today);
  }

  put(person: ServedPerson): boolean {
    const existed = this.person(person.bsn) !== undefined;
    this.deleted.delete(person.bsn);
    this.explicit.set(person.bsn, person);
    return existed;
  }

  delete(bsn: string): boolean {
    if (this.person(bsn) === undefined) return false;
    this.deleted.add(bsn);
    return true;
  }

  /** Every served person (generated ones rebuilt), in a stable order: explicit first, then by n. */
  *persons(): Generator<ServedPerson> {
    for (const [bsn, person] of this.explicit) if (!this.deleted.has(bsn)) yield person;
    for (const [bsn, n] of this.generated) if (!this.deleted.has(bsn) && !this.explicit.has(bsn)) yield generatedData(this.request.seed, n, this.today);
  }

  counts(): Record<string, number> {
    return { explicit: this.explicit.size, generated: this.generated.size, deleted: this.deleted.size };
  }
}
