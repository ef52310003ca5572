import { z } from 'zod';
import type { Cursor } from '../../src/connector/connector.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { utcTimestamp } from '../../src/trajectory/trajectory-record.js';
import { parseInstant, utcInstant } from './mapping/dates.js';

/**
 * The cursor of a ggz stream (spec §4.3): `{ lastUpdated, recent }`, the highest `meta.lastUpdated`
 * stored and the `Type/id|versionId` of the versions stored within `overlap` before it. The next
 * query asks `ge (lastUpdated − overlap)`; versions in `recent`, versions already emitted in this
 * pull and versions older than one already seen are absorbed. `lastUpdated` is absent until the
 * stream has seen a record. The deletions stream uses the same shape with `recent` empty.
 */
export const ggzCursorSchema = z.strictObject({
  lastUpdated: utcTimestamp.optional(),
  recent: z.array(z.string().max(200)).max(10_000),
});
export type GgzCursor = z.infer<typeof ggzCursorSchema>;

// Many versions can share one instant (a bulk load): past this many, the oldest are forgotten and
// merely re-read next time, which the idempotent store absorbs.
const maxRecent = 2_000;

export function parseCursor(from: Cursor | undefined): GgzCursor | undefined {
  if (from === undefined) return undefined;
  const parsed = ggzCursorSchema.safeParse(from);
  if (!parsed.success) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'cursor', expected: 'a ggz-fhir cursor {lastUpdated, recent}', got: 'another shape' });
  return parsed.data;
}

function versionNumber(version: string): number | undefined {
  return /^[0-9]{1,15}$/.test(version) ? Number(version) : undefined;
}

interface Seen {
  readonly ms: number | undefined;
  readonly hash: string;
}

export class CursorTracker {
  readonly #overlapMs: number;
  readonly #fromMs: number | undefined;
  readonly #fromRecent: ReadonlySet<string>;
  readonly #seen = new Map<string, Seen>();
  readonly #highest = new Map<string, number>();
  #maxMs: number | undefined;

  constructor(from: GgzCursor | undefined, overlapSeconds: number) {
    this.#overlapMs = overlapSeconds * 1000;
    this.#fromMs = from?.lastUpdated !== undefined ? parseInstant(from.lastUpdated) : undefined;
    this.#maxMs = this.#fromMs;
    this.#fromRecent = new Set(from?.recent ?? []);
    for (const key of this.#fromRecent) this.#noteVersion(key);
  }

  /**
   * Start of a query: `lastUpdated − overlap` of the cursor as it stands (the stored one at first,
   * the last page's after a restart), or undefined while nothing has been seen.
   */
  since(): number | undefined {
    return this.#maxMs === undefined ? undefined : this.#maxMs - this.#overlapMs;
  }

  #noteVersion(key: string): void {
    const [typeId, version] = key.split('|');
    const n = versionNumber(version ?? '');
    if (typeId !== undefined && n !== undefined && n > (this.#highest.get(typeId) ?? -1)) this.#highest.set(typeId, n);
  }

  /**
   * Whether a version is emitted (true) or absorbed (false). A repeated version with other content
   * is emitted, so the edge and the store can quarantine it as a version conflict (E18).
   */
  admit(typeId: string, version: string | undefined, lastUpdated: string | undefined, hash: string): boolean {
    const ms = lastUpdated !== undefined ? parseInstant(lastUpdated) : undefined;
    if (ms !== undefined && (this.#maxMs === undefined || ms > this.#maxMs)) this.#maxMs = ms;
    if (version === undefined) return true;
    const key = `${typeId}|${version}`;
    const seen = this.#seen.get(key);
    if (seen !== undefined) return seen.hash !== hash;
    this.#seen.set(key, { ms, hash });
    if (this.#fromRecent.has(key)) return false;
    const n = versionNumber(version);
    const highest = this.#highest.get(typeId);
    if (n !== undefined && highest !== undefined && n < highest) return false;
    this.#noteVersion(key);
    return true;
  }

  cursor(): GgzCursor {
    if (this.#maxMs === undefined) return { recent: [] };
    const floor = this.#maxMs - this.#overlapMs;
    const recent = new Map<string, number>();
    // Versions from the stored cursor have no time of their own; they are at most #fromMs.
    if (this.#fromMs !== undefined && this.#fromMs >= floor) for (const key of this.#fromRecent) recent.set(key, this.#fromMs);
    for (const [key, seen] of this.#seen) if (seen.ms !== undefined && seen.ms >= floor) recent.set(key, seen.ms);
    const kept = [...recent].sort(([ak, am], [bk, bm]) => bm - am || (ak < bk ? -1 : ak > bk ? 1 : 0)).slice(0, maxRecent);
    return { lastUpdated: utcInstant(this.#maxMs), recent: kept.map(([key]) => key).sort() };
  }
}
