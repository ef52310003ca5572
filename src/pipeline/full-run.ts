import type { Store, SyncRun } from '../store/store.js';

/**
 * A *full* run pulls every stream of its partner from the partner's own cursors: no stream subset
 * (a schedule of the consent stream only), no scope (a replay, back-fill window or release). Only a
 * full run says that a partner is synced: the retention purge, the `failed-run`, `stale` and
 * `quarantine-rate` alerts and the "last successful sync" of `werkbrug status` look at full runs.
 */
export function isFullRun(run: Pick<SyncRun, 'scope' | 'onlyStreams'>): boolean {
  return run.scope === undefined && run.onlyStreams === undefined;
}

/** SQL condition on `sync_runs` for a full run (see {@link isFullRun}). */
export const fullRunSql = 'scope IS NULL AND streams IS NULL';

/** Runs looked at for "the latest full run": the newest started ones. */
const recentRuns = 50;

/** The partner's latest full run (by start), or undefined when it never had one. */
export async function latestFullRun(store: Store, partnerId: string): Promise<SyncRun | undefined> {
  return (await store.listRuns({ partnerId, limit: recentRuns })).find(isFullRun);
}

/**
 * The first active partner whose latest full run did not succeed (or that never had one), if any:
 * while there is one, a person's newest rows may be missing and a retention purge would come too
 * early.
 */
export async function partnerWithoutCompleteRun(store: Store, partners: readonly { id: string; paused: boolean }[]): Promise<string | undefined> {
  for (const partner of partners.filter((p) => !p.paused)) {
    if ((await latestFullRun(store, partner.id))?.status !== 'succeeded') return partner.id;
  }
  return undefined;
}
