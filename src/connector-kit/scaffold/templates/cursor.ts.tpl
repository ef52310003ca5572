import { z } from 'zod';
import type { Cursor } from '@werkbrug/connector/connector.js';
import { WerkbrugError } from '@werkbrug/errors/werkbrug-error.js';

/**
 * The cursor of the `placements` stream: `{ updatedAt, seen }`, the highest `updatedAt` emitted
 * (UTC) and the `id|version` of every record emitted at exactly that instant. The next pull asks
 * from `updatedAt` inclusive, so records sharing the instant across a page boundary or a crash are
 * never lost, and the ones in `seen` are absorbed instead of emitted twice.
 */
export const placementCursorSchema = z.strictObject({
  updatedAt: z.string().optional(),
  seen: z.array(z.string().max(200)).max(10_000),
});
export type PlacementCursor = z.infer<typeof placementCursorSchema>;

export function parseCursor(from: Cursor | undefined): PlacementCursor {
  if (from === undefined) return { seen: [] };
  const parsed = placementCursorSchema.safeParse(from);
  if (!parsed.success) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'cursor', expected: 'a placements cursor {updatedAt, seen}', got: 'another shape' });
  return parsed.data;
}

export class CursorTracker {
  #maxMs: number | undefined;
  #atMax = new Set<string>();
  readonly #emitted = new Set<string>();

  constructor(from: PlacementCursor) {
    this.#maxMs = from.updatedAt !== undefined ? Date.parse(from.updatedAt) : undefined;
    for (const key of from.seen) this.#atMax.add(key);
    for (const key of from.seen) this.#emitted.add(key);
  }

  /** The instant to ask from (inclusive), or undefined on a first pull. */
  since(): string | undefined {
    return this.#maxMs === undefined ? undefined : new Date(this.#maxMs).toISOString();
  }

  /** Whether a record is emitted (true) or absorbed as already seen (false). */
  admit(record: unknown): boolean {
    const fields = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
    const { id, version, updatedAt } = fields;
    // A record without a usable id, version or instant goes to the edge, which quarantines it.
    if (typeof id !== 'string' || typeof version !== 'string' || typeof updatedAt !== 'string' || Number.isNaN(Date.parse(updatedAt))) return true;
    const key = `${id}|${version}`;
    if (this.#emitted.has(key)) return false;
    this.#emitted.add(key);
    const ms = Date.parse(updatedAt);
    if (this.#maxMs === undefined || ms > this.#maxMs) {
      this.#maxMs = ms;
      this.#atMax = new Set([key]);
    } else if (ms === this.#maxMs) this.#atMax.add(key);
    return true;
  }

  cursor(): PlacementCursor {
    return { ...(this.#maxMs !== undefined ? { updatedAt: new Date(this.#maxMs).toISOString() } : {}), seen: [...this.#atMax].sort() };
  }
}
