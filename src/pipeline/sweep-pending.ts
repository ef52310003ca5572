import type { Runtime } from './runtime.js';
import { releasePending } from './release-pending.js';

/**
 * At the end of a partner's sync run: pending records of that partner that have waited longer than
 * `consent.maxWaitDays` are decided again. Those whose consent arrived meanwhile are stored; the
 * rest are refused (rule CR03) and leave the pending table. With an unreadable consent source
 * nothing is refused: the records keep waiting (rule CR01).
 */
export async function sweepOverduePending(runtime: Runtime, run: { runId: string; partnerId: string; consentReadable: boolean }): Promise<{ released: number; lapsed: number }> {
  const now = runtime.now();
  const before = new Date(now.getTime() - runtime.config.consent.maxWaitDays * 86_400_000).toISOString();
  return runtime.store.transaction(async (tx) => {
    const overdue = (await tx.loadPendingOlderThan(before, 10_000)).filter((p) => p.partnerId === run.partnerId);
    const result = await releasePending(tx, overdue, {
      runId: run.runId, batchId: `b1-${run.runId}-sweep`, now, purposes: runtime.config.purposes,
      maxWaitDays: runtime.config.consent.maxWaitDays, consentReadable: run.consentReadable, heldLocks: new Set(),
    });
    let released = 0;
    let lapsed = 0;
    for (const counts of result.byStream.values()) {
      released += counts.released;
      lapsed += counts.lapsed;
      await tx.addRunCounts(run.runId, counts.stream, { released: counts.released, lapsed: counts.lapsed });
    }
    return { released, lapsed };
  });
}
