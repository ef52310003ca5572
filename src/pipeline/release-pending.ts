import type { PendingItem, StoreTx } from '../store/store.js';
import { decideAndStore, type DecisionScope } from './decide-and-store.js';

/**
 * Pending records decided again: when a person's consent changes (a consent page arrives) and
 * when their waiting time runs out (the sweep at the end of a sync run). Permitted ones are
 * stored now (`released`), refused ones leave the pending table (`lapsed`), the rest keep waiting
 * with their first `waitingSince`. Every decision is logged. Runs inside the caller's transaction.
 */
export interface ReleaseScope extends Omit<DecisionScope, 'partnerId' | 'connector' | 'mappingVersion'> {
  /** Stream locks the caller already holds, `partner|stream`. */
  readonly heldLocks: ReadonlySet<string>;
}

export interface ReleaseResult {
  /** Per `partner|stream` of the pending records: how many were stored and refused now. */
  readonly byStream: ReadonlyMap<string, { released: number; lapsed: number; partnerId: string; stream: string }>;
  readonly logEntries: number;
}

export async function releasePending(tx: StoreTx, items: readonly PendingItem[], scope: ReleaseScope): Promise<ReleaseResult> {
  const byStream = new Map<string, { released: number; lapsed: number; partnerId: string; stream: string }>();
  if (items.length === 0) return { byStream, logEntries: 0 };
  // Take the locks of the pending records' streams before anything else of this transaction
  // waits on the consent log's head, always in one order, so two transactions never deadlock.
  const streams = [...new Set(items.map((i) => `${i.partnerId}|${i.stream}`))].filter((s) => !scope.heldLocks.has(s)).sort();
  for (const key of streams) {
    const [partnerId = '', stream = ''] = key.split('|');
    await tx.lockStream(partnerId, stream);
  }
  const groups = new Map<string, PendingItem[]>();
  for (const item of items) {
    const key = `${item.partnerId}|${item.stream}|${item.connector}|${item.mappingVersion}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  let logEntries = 0;
  const settled: Array<{ partnerId: string; recordKey: string }> = [];
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const outcome = await decideAndStore(tx, { ...scope, partnerId: first.partnerId, connector: first.connector, mappingVersion: first.mappingVersion },
      group.map((item) => ({ draft: item.draft, waitingSince: item.waitingSince })));
    logEntries += outcome.logEntries;
    const stillPending = new Set(outcome.pending.map((c) => c.draft.source.record_key));
    for (const item of group) if (!stillPending.has(item.recordKey)) settled.push({ partnerId: item.partnerId, recordKey: item.recordKey });
    const key = `${first.partnerId}|${first.stream}`;
    const counts = byStream.get(key) ?? { released: 0, lapsed: 0, partnerId: first.partnerId, stream: first.stream };
    counts.released += outcome.stored + outcome.unchanged + outcome.stale;
    counts.lapsed += outcome.refused.length + outcome.conflicts.length;
    byStream.set(key, counts);
  }
  if (settled.length > 0) await tx.deletePending(settled);
  return { byStream, logEntries };
}
