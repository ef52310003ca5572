import type { Cursor } from '../../src/connector/connector.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import type { GgzFhirConfig } from './config-schema.js';
import { parseCursor } from './cursor.js';
import { deletionsStream, searchStreams } from './item.js';
import { parseInstant, utcInstant } from './mapping/dates.js';

/**
 * Bounded pulls of the ggz (issue 6: `werkbrug replay` and `werkbrug backfill`). A stream's change
 * signal is a time (`meta.lastUpdated`, and `response.lastModified` in `_history`), so a cursor
 * stands for an instant: `until` bounds a pull at its `lastUpdated` (inclusive), and the cursor of
 * an instant is `{ lastUpdated: at, recent: [] }`. Read as a start cursor it asks
 * `ge (at − overlapSeconds)`, so a window may re-read up to the overlap before its start: harmless,
 * the store absorbs a version it holds. Read as `until` it bounds at `at` exactly.
 */

/**
 * The bound of a pull in epoch ms, or undefined when it is unbounded. A cursor without
 * `lastUpdated` (the stream had seen nothing) stands before every change: minus infinity.
 */
export function untilMs(until: Cursor | undefined): number | undefined {
  if (until === undefined) return undefined;
  const cursor = parseCursor(until);
  if (cursor?.lastUpdated === undefined) return Number.NEGATIVE_INFINITY;
  return parseInstant(cursor.lastUpdated);
}

/** Whether an instant (a resource's `meta.lastUpdated`, an entry's `lastModified`) lies after the bound. */
export function pastBound(instant: string | undefined, bound: number | undefined): boolean {
  if (bound === undefined || instant === undefined) return false;
  const ms = parseInstant(instant);
  return ms !== undefined && ms > bound;
}

/** `Connector.windowCursor` of the ggz: the cursor that stands for the instant `at`, for every stream. */
export function ggzWindowCursor(_config: GgzFhirConfig, stream: string, at: string): Cursor {
  if (stream !== deletionsStream && !searchStreams.some((s) => s === stream)) {
    throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: `one of ${[...searchStreams, deletionsStream].join(', ')}`, got: stream });
  }
  const ms = parseInstant(at);
  if (ms === undefined) {
    throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'at', expected: 'an ISO-8601 instant with an offset, e.g. 2025-06-01T00:00:00Z', got: at.slice(0, 40) });
  }
  return { lastUpdated: utcInstant(ms), recent: [] };
}
