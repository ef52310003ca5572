import type { RunCoverage } from './operations-records.js';

/** Sync runs and their counters per stream, as the store records them (`run-store.ts`). */
export interface RunCounts {
  read: number;
  stored: number;
  unchanged: number;
  stale: number;
  deleted: number;
  quarantined: number;
  refused: number;
  pending: number;
  absorbed: number;
  pages: number;
  /** Pending records of earlier reads stored now (outside the balance). */
  released: number;
  /** Pending records of earlier reads refused now (outside the balance). */
  lapsed: number;
  /** Stored rows a per-person snapshot no longer holds, removed (rule 7; outside the balance). */
  removed: number;
}

/** A stream's counters in a run, with the per-person outcomes of a per-person source. */
export interface StreamCounts extends RunCounts {
  /** `asked`, `not-found`, `skipped-no-consent`, …: counts only, never who. Empty for other sources. */
  readonly personCounts: Readonly<Record<string, number>>;
}

export const emptyRunCounts = (): RunCounts => ({
  read: 0, stored: 0, unchanged: 0, stale: 0, deleted: 0, quarantined: 0, refused: 0, pending: 0, absorbed: 0, pages: 0, released: 0, lapsed: 0, removed: 0,
});

export type RunTrigger = 'demo' | 'manual' | 'schedule' | 'retry' | 'replay' | 'backfill' | 'release' | 'test' | 'bench';

export interface NewSyncRun extends RunCoverage {
  readonly runId: string;
  readonly partnerId: string;
  readonly trigger: RunTrigger;
  readonly startedAt: string;
}

export interface RunOutcome {
  readonly status: 'succeeded' | 'failed';
  readonly finishedAt: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export interface SyncRun extends NewSyncRun {
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly finishedAt: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** Counters per stream. */
  readonly streams: Readonly<Record<string, StreamCounts>>;
}
