import { emptyRunCounts, type RunCounts } from '../store/store.js';

/**
 * `released` and `lapsed` (pending records of earlier reads decided now) and `removed` (stored rows
 * a per-person snapshot no longer holds) stand outside the balance.
 *
 * Nothing is lost silently (brief, invariant 5): per stream, every record read is accounted for
 * exactly once. A run whose balance does not close fails loudly.
 */
export interface Balance {
  readonly closes: boolean;
  readonly problems: readonly string[];
  readonly totals: RunCounts;
}

export function accounted(c: RunCounts): number {
  return c.stored + c.unchanged + c.stale + c.deleted + c.quarantined + c.refused + c.pending + c.absorbed;
}

export function runBalance(streams: Readonly<Record<string, RunCounts>>): Balance {
  const totals: RunCounts = emptyRunCounts();
  const problems: string[] = [];
  for (const [stream, counts] of Object.entries(streams)) {
    for (const key of Object.keys(totals) as Array<keyof RunCounts>) totals[key] += counts[key];
    if (counts.read !== accounted(counts)) problems.push(`stream ${stream}: read ${counts.read}, accounted for ${accounted(counts)}`);
  }
  return { closes: problems.length === 0, problems, totals };
}
