import { isFullRun } from '../../pipeline/full-run.js';
import type { Config, PartnerConfig } from '../../config/schema.js';
import { runBalance } from '../../pipeline/run-balance.js';
import type { FiringAlert } from '../../store/operations-records.js';
import type { Store, SyncRun } from '../../store/store.js';

/**
 * The partner conditions an evaluation judges, each from what the store holds: the latest
 * finished run failed (`failed-run`), no successful sync for too long (`stale`), the latest
 * finished run quarantined too much of what it read (`quarantine-rate`). Each gives an
 * {@link Observation}: the condition holds (`firing`), it does not (`clear`), or it gives none
 * when there is nothing to judge (no finished run yet, too few records read).
 */
export type Observation =
  | { readonly state: 'firing'; readonly alert: FiringAlert }
  | { readonly state: 'clear'; readonly alertKey: string };

export const alertKey = (kind: FiringAlert['kind'], subject: string): string => `${kind}:${subject}`;

/** Runs looked at for "the latest finished run": the newest started ones (runs overlap only a little). */
const recentRuns = 20;

/** The partner's run that finished last, or undefined when none has finished. */
export async function latestFinishedRun(store: Store, partnerId: string, known?: SyncRun): Promise<SyncRun | undefined> {
  const runs = [...(await store.listRuns({ partnerId, limit: recentRuns }))];
  if (known !== undefined && known.status !== 'running' && !runs.some((run) => run.runId === known.runId)) runs.push(known);
  // Only full runs say whether a partner syncs (`src/pipeline/full-run.ts`): a consent-only
  // schedule or a replay that succeeds does not recover a failing nightly sync.
  const finished = runs.filter((run) => isFullRun(run) && run.status !== 'running' && run.finishedAt !== null);
  finished.sort((a, b) => Date.parse(b.finishedAt ?? '') - Date.parse(a.finishedAt ?? '') || b.runId.localeCompare(a.runId));
  return finished[0];
}

export function failedRunObservation(partnerId: string, run: SyncRun): Observation {
  const key = alertKey('failed-run', partnerId);
  if (run.status !== 'failed') return { state: 'clear', alertKey: key };
  const code = run.errorCode ?? 'unknown';
  return {
    state: 'firing',
    alert: {
      alertKey: key, kind: 'failed-run', partnerId,
      summary: `Sync of ${partnerId} failed: run ${run.runId} ended with ${code} after its retries.`,
      // The error message is left out: codes only (it can name paths a partner chose).
      detail: { runId: run.runId, errorCode: code, trigger: run.trigger, finishedAt: run.finishedAt },
    },
  };
}

export function quarantineRateObservation(partnerId: string, run: SyncRun, settings: Config['operations']['alerts']): Observation | undefined {
  const { totals } = runBalance(run.streams);
  if (totals.read < settings.quarantineMinRead || totals.read === 0) return undefined;
  const key = alertKey('quarantine-rate', partnerId);
  const rate = totals.quarantined / totals.read;
  if (rate <= settings.quarantineRate) return { state: 'clear', alertKey: key };
  const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;
  return {
    state: 'firing',
    alert: {
      alertKey: key, kind: 'quarantine-rate', partnerId,
      summary: `Run ${run.runId} of ${partnerId} quarantined ${totals.quarantined} of ${totals.read} records read (${percent(rate)}, limit ${percent(settings.quarantineRate)}).`,
      detail: { runId: run.runId, read: totals.read, quarantined: totals.quarantined, rate: Number(rate.toFixed(4)), limit: settings.quarantineRate },
    },
  };
}

/** Per store, when this process first saw each partner: a partner never synced counts from then. */
const firstSeen = new WeakMap<Store, Map<string, string>>();

export interface StaleInput {
  readonly partner: PartnerConfig;
  readonly lastSuccessAt: string | null;
  readonly lastSuccessRunId: string | null;
  /** When the partner's first run started: one that never succeeded is stale from then, in every process alike. */
  readonly firstRunAt?: string | null;
  readonly pausedByOperations: boolean;
}

export function staleObservation(store: Store, input: StaleInput, settings: Config['operations']['alerts'], now: Date): Observation {
  const { partner } = input;
  const key = alertKey('stale', partner.id);
  const seen = firstSeen.get(store) ?? new Map<string, string>();
  firstSeen.set(store, seen);
  if (!seen.has(partner.id)) seen.set(partner.id, now.toISOString());
  const since = input.lastSuccessAt ?? input.firstRunAt ?? seen.get(partner.id) ?? now.toISOString();
  const limitHours = partner.staleAfterHours ?? settings.staleAfterHours;
  const hours = (now.getTime() - Date.parse(since)) / 3_600_000;
  if (hours <= limitHours) return { state: 'clear', alertKey: key };
  const paused = input.pausedByOperations ? ' The partner is paused (werkbrug resume).' : '';
  const what = input.lastSuccessAt === null ? 'has never synced successfully' : 'has had no successful sync';
  return {
    state: 'firing',
    alert: {
      alertKey: key, kind: 'stale', partnerId: partner.id,
      summary: `${partner.id} ${what} for ${Math.floor(hours)} hours (limit ${limitHours}).${paused}`,
      detail: {
        lastSuccessAt: input.lastSuccessAt, lastSuccessRunId: input.lastSuccessRunId, hoursWithoutSuccess: Math.floor(hours),
        staleAfterHours: limitHours, pausedByOperations: input.pausedByOperations,
      },
    },
  };
}
