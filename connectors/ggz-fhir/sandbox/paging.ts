import { randomUUID } from 'node:crypto';
import type { VirtualClock } from '../../../src/sandbox/index.js';
import type { StoredVersion } from './resource-store.js';

/**
 * Frozen result sets behind `next` links (`partners/ggz-fhir-r4.md` §4.2): page 1 freezes the
 * whole result, later pages are slices of it, and a set lives `ttlSeconds` on the virtual clock,
 * after which its links answer 410 `expired`. Moving the clock forward therefore expires links
 * without waiting. At most `maxSets` live at once; the oldest goes first.
 */
export interface FrozenResult {
  readonly id: string;
  readonly kind: 'searchset' | 'history';
  /** The FHIR base the search ran on (`/fhir`, or the consent base). */
  readonly base: string;
  readonly type: string;
  readonly versions: readonly StoredVersion[];
  readonly includes: readonly string[];
  readonly total: boolean;
  readonly elements?: readonly string[];
  readonly expiresMs: number;
}

export class PagingStore {
  private readonly results = new Map<string, FrozenResult>();

  constructor(
    private readonly clock: VirtualClock,
    readonly ttlSeconds: number,
    private readonly maxSets = 64,
  ) {}

  freeze(result: Omit<FrozenResult, 'id' | 'expiresMs'>): FrozenResult {
    this.sweep();
    while (this.results.size >= this.maxSets) {
      const oldest = this.results.keys().next().value;
      if (oldest === undefined) break;
      this.results.delete(oldest);
    }
    const frozen: FrozenResult = { ...result, id: randomUUID(), expiresMs: this.clock.nowMs() + this.ttlSeconds * 1000 };
    this.results.set(frozen.id, frozen);
    return frozen;
  }

  /** The live set, or undefined when it expired, was dropped or never existed. */
  get(id: string): FrozenResult | undefined {
    const result = this.results.get(id);
    if (!result) return undefined;
    if (this.clock.nowMs() >= result.expiresMs) {
      this.results.delete(id);
      return undefined;
    }
    return result;
  }

  /** Look without expiring (to describe a request for the journal and fault matching). */
  peek(id: string): FrozenResult | undefined {
    return this.results.get(id);
  }

  drop(id: string): void {
    this.results.delete(id);
  }

  clear(): void {
    this.results.clear();
  }

  private sweep(): void {
    const now = this.clock.nowMs();
    for (const [id, result] of this.results) if (now >= result.expiresMs) this.results.delete(id);
  }
}
