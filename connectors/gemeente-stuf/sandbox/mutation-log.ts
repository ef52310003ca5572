import { amsterdamOffsetMinutes } from '../../../src/sandbox/amsterdam-time.js';
import { entiteittypen, type Entiteittype } from '../stuf-names.js';
import { stufTijdstip, type ObjectKey } from './objects.js';
import type { MutationExpectation } from './object-plan.js';
import type { XNode } from './xml-node.js';

/**
 * The suite's mutation sequence (spec §3.1): every change gets the next `mutatievolgnummer`,
 * strictly increasing over the three entiteittypen together, from 10000. A mutation can be held
 * back until another number has been served (`visibleAfter`, edge case G19): suites hand out
 * numbers when a transaction starts, so a lower number can become visible after higher ones.
 * Objects are built only when served, so a volume log holds numbers and keys, not XML.
 */
export const FIRST_MUTATION = 10_000;

export interface MutationSpec {
  readonly key: ObjectKey;
  readonly soort: 'T' | 'W' | 'V';
  /** When the suite registered it (orders the base data; becomes `tijdstipRegistratie`). */
  readonly atMs: number;
  /** For `gelijk indicatieIps` (RIV T/W only). */
  readonly indicatieIps?: 'J' | 'N';
  /** The object for the number it got; `tijdstip` is `atMs` in StUF form. */
  build(n: number, tijdstip: string): XNode;
  /** Hidden until this number has been served. */
  readonly visibleAfter?: number;
  /** Hidden until the number after its own has been served (edge case G19). */
  readonly holdUntilNext?: boolean;
  /** What the connector must make of it (edge cases; ground truth only). */
  readonly expect?: MutationExpectation;
  /** Edge case id (`G07`) when the object is one. */
  readonly edgeCase?: string;
  /** `P1`, `G000012`, `C01`, `E01`: whose object it is (ground truth only). */
  readonly person?: string;
}

export interface Mutation extends MutationSpec {
  readonly n: number;
  readonly tijdstip: string;
  visible: boolean;
}

function tijdstipOf(ms: number): string {
  return stufTijdstip(ms, amsterdamOffsetMinutes(ms));
}

export class MutationLog {
  readonly all: Mutation[] = [];
  readonly byType: Record<Entiteittype, Mutation[]> = { PWU: [], RIV: [], LKS: [] };
  private nextNumber = FIRST_MUTATION;
  private readonly served = new Set<number>();
  private readonly waiting = new Map<number, Mutation[]>();
  private readonly latestByKey = new Map<string, Mutation>();
  private changes = 0;
  private readonly stateCache = new Map<Entiteittype, { changes: number; list: Mutation[] }>();

  /** The number the next mutation gets. */
  get next(): number {
    return this.nextNumber;
  }

  append(given: MutationSpec): Mutation {
    let spec = given;
    const n = this.nextNumber;
    this.nextNumber += 1;
    if (spec.holdUntilNext) spec = { ...spec, visibleAfter: n + 1 };
    const visible = spec.visibleAfter === undefined || this.served.has(spec.visibleAfter);
    const mutation: Mutation = { ...spec, build: spec.build, n, tijdstip: tijdstipOf(spec.atMs), visible };
    if (!visible && spec.visibleAfter !== undefined) this.waiting.set(spec.visibleAfter, [...(this.waiting.get(spec.visibleAfter) ?? []), mutation]);
    this.all.push(mutation);
    this.byType[spec.key.type].push(mutation);
    this.latestByKey.set(`${spec.key.type}/${spec.key.identificatie}`, mutation);
    this.changes += 1;
    return mutation;
  }

  /** Records that these numbers went out in an answer; mutations waiting on them become visible. */
  markServed(numbers: Iterable<number>): void {
    for (const n of numbers) {
      this.served.add(n);
      const released = this.waiting.get(n);
      if (!released) continue;
      for (const mutation of released) mutation.visible = true;
      this.waiting.delete(n);
      this.changes += 1;
    }
  }

  /** The newest mutation of an object, visible or not (to choose T or W for a change). */
  latest(type: Entiteittype, identificatie: string): Mutation | undefined {
    return this.latestByKey.get(`${type}/${identificatie}`);
  }

  /** Index of the first mutation of `type` with a number ≥ n (binary search; numbers ascend). */
  indexFrom(type: Entiteittype, n: number): number {
    const list = this.byType[type];
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((list[mid]?.n ?? Infinity) < n) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * The state list of a state question (spec §2.3): per identificatie its latest visible mutation,
   * removed objects left out, ordered by that mutation's number. Cached until the log changes.
   */
  stateList(type: Entiteittype): readonly Mutation[] {
    const cached = this.stateCache.get(type);
    if (cached && cached.changes === this.changes) return cached.list;
    const latest = new Map<string, Mutation>();
    for (const mutation of this.byType[type]) if (mutation.visible) latest.set(mutation.key.identificatie, mutation);
    const list = [...latest.values()].filter((m) => m.soort !== 'V').sort((a, b) => a.n - b.n);
    this.stateCache.set(type, { changes: this.changes, list });
    return list;
  }

  /** Live objects per entiteittype (for health). */
  counts(): Record<Entiteittype, number> {
    return Object.fromEntries(entiteittypen.map((type) => [type, this.stateList(type).length])) as Record<Entiteittype, number>;
  }
}
