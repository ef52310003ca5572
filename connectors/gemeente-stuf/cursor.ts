import { z } from 'zod';
import type { Cursor } from '../../src/connector/connector.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';

/**
 * The cursor of a gemeente stream (spec §3.1): `{ mutatievolgnummer, recent }`, the highest number
 * stored (0 before the first) and the numbers stored within the overlap window below it. The next
 * pull asks `vanaf = mutatievolgnummer − overlap` (at least 1); a number in `recent`, a number
 * already seen in this pull, or one below `vanaf` is absorbed. A number inside the window that is
 * not in `recent` was committed late (G19) and is emitted. The number never goes down.
 */
export const stufCursorSchema = z.strictObject({
  mutatievolgnummer: z.number().int().min(0),
  recent: z.array(z.number().int().min(1)).max(100_000),
});
export type StufCursor = z.infer<typeof stufCursorSchema>;

export function parseCursor(from: Cursor | undefined): StufCursor | undefined {
  if (from === undefined) return undefined;
  const parsed = stufCursorSchema.safeParse(from);
  if (!parsed.success) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'cursor', expected: 'a gemeente-stuf cursor {mutatievolgnummer, recent}', got: 'another shape' });
  return parsed.data;
}

export class CursorTracker {
  readonly #overlap: number;
  readonly #vanaf: number;
  readonly #fromRecent: ReadonlySet<number>;
  readonly #seen = new Map<number, string>();
  #max: number;

  constructor(from: StufCursor | undefined, overlap: number) {
    this.#overlap = overlap;
    this.#max = from?.mutatievolgnummer ?? 0;
    this.#vanaf = Math.max(1, this.#max - overlap);
    this.#fromRecent = new Set(from?.recent ?? []);
  }

  /** `vanaf` of this pull's question. */
  vanaf(): number {
    return this.#vanaf;
  }

  /**
   * Whether a mutation is emitted (true) or absorbed (false). The same number again with other
   * content is emitted, so the edge or the store can call it a version conflict.
   */
  admit(n: number, fingerprint: string): boolean {
    const seen = this.#seen.get(n);
    if (seen !== undefined) return seen !== fingerprint;
    this.#seen.set(n, fingerprint);
    if (n > this.#max) this.#max = n;
    if (this.#fromRecent.has(n) || n < this.#vanaf) return false;
    return true;
  }

  cursor(): StufCursor {
    const floor = this.#max - this.#overlap;
    const recent = new Set<number>();
    for (const n of this.#fromRecent) if (n >= floor) recent.add(n);
    for (const n of this.#seen.keys()) if (n >= floor && n >= this.#vanaf) recent.add(n);
    return { mutatievolgnummer: this.#max, recent: [...recent].sort((a, b) => a - b) };
  }
}
