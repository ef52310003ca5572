import type { Connector, Cursor, StreamDescription } from '../connector/connector.js';
import type { RunScope, StreamCursorRange } from '../store/operations-records.js';

/**
 * What each stream of a scoped run pulls (issue 6). A replay pulls the cursor range of the run it
 * replays; a back-fill window pulls [from, to); a quarantine release pulls from the cursor the
 * quarantining run started at up to now. Every scoped pull reads and advances a cursor of its own,
 * `<stream>@<scope key>`, so the partner's cursors never move backwards and a retry of the scoped
 * run (same key) resumes where it stopped. Pure: the caller reads the store.
 */
export interface PullScope {
  readonly cursorKey: string;
  /** Where to start when the scope's own cursor is not stored yet; null: from the beginning. */
  readonly start: Cursor | null;
  readonly until?: Cursor;
  /** Per-person sources: the period to ask about (ISO dates, inclusive). */
  readonly period?: { readonly from: string; readonly to: string };
}

/** Per stream: its scope, or a sentence why the stream has nothing to pull in this scope. */
export type StreamPlan = { readonly pull: true; readonly scope?: PullScope } | { readonly pull: false; readonly why: string };

export interface ScopeFacts {
  readonly connector: Pick<Connector, 'windowCursor' | 'bounded' | 'asksPerPerson'>;
  readonly settings: unknown;
  /** Replay: the cursor ranges of the replayed run, per stream. */
  readonly ranges?: Readonly<Record<string, StreamCursorRange>>;
  /** Back-fill of a source without time windows: the stream's own cursor now (the end of its one window). */
  readonly currentCursor?: (stream: string) => Cursor | undefined;
}

export const scopedCursorKey = (stream: string, key: string): string => `${stream}@${key}`;

/** The inclusive ISO dates of the instant window [from, to). */
export function windowDates(from: string, to: string): { from: string; to: string } {
  const last = new Date(Date.parse(to) - 1);
  return { from: new Date(from).toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

export function planStream(stream: StreamDescription, scope: RunScope | undefined, facts: ScopeFacts): StreamPlan {
  if (scope === undefined) return { pull: true };
  const cursorKey = scopedCursorKey(stream.name, scope.key);
  const { connector } = facts;
  switch (scope.kind) {
    case 'replay': {
      if (connector.asksPerPerson) return { pull: true, scope: { cursorKey, start: null } };
      const range = facts.ranges?.[stream.name];
      if (range === undefined) return { pull: false, why: 'the replayed run did not pull this stream' };
      if (range.to === null) return { pull: false, why: 'the replayed run stored no page of this stream' };
      // A connector that cannot bound its pull replays from the run's start up to now.
      return { pull: true, scope: { cursorKey, start: range.from, ...(connector.bounded ? { until: range.to } : {}) } };
    }
    case 'window': {
      if (connector.asksPerPerson) return { pull: true, scope: { cursorKey, start: null, period: windowDates(scope.from, scope.to) } };
      if (connector.windowCursor) {
        return { pull: true, scope: { cursorKey, start: connector.windowCursor(facts.settings, stream.name, scope.from), until: connector.windowCursor(facts.settings, stream.name, scope.to) } };
      }
      // No time in the change feed (StUF's mutatievolgnummer): one window from the beginning up
      // to where the stream stands now; the other windows have nothing to pull.
      if (scope.index > 0) return { pull: false, why: 'this source has no time windows: the first window of the back-fill pulls it whole' };
      const now = facts.currentCursor?.(stream.name);
      return { pull: true, scope: { cursorKey, start: null, ...(now !== undefined && connector.bounded ? { until: now } : {}) } };
    }
    case 'release': {
      if (connector.asksPerPerson) return { pull: true, scope: { cursorKey, start: null } };
      if (!(stream.name in scope.from)) return { pull: false, why: 'no released record of this stream' };
      return { pull: true, scope: { cursorKey, start: scope.from[stream.name] ?? null } };
    }
  }
}
