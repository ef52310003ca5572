import { partnerWithoutCompleteRun } from '../pipeline/full-run.js';
import type { RetentionSettings } from '../config/retention-settings.js';
import { errorFields, type Logger } from '../logging/logger.js';
import type { Runtime } from '../pipeline/runtime.js';
import { amsterdamDate } from '../stages/consent-decision.js';
import type { ConsentLogContent, PurposeRemoval, Store, StoreTx } from '../store/store.js';
import { purposeCodes, type Purpose } from '../trajectory/codes.js';
import { retentionCutoff } from './retention-period.js';

/**
 * The retention purge (issue 5): per purpose, the persons whose stored rows carrying it are past
 * the purpose's retention period (`privacy.retention`) lose that purpose from all their rows, and
 * rows left without a purpose are deleted with their history. A person's reference date is the
 * latest of their rows' (docs/privacy/erasure-and-retention.md), so a person's records go
 * together and linkage never breaks half-way. Each purpose with something purged gets ONE consent-log
 * entry (kind `retention-purge`, rule `CR21-retention-purge`) with the counts and the cutoff date,
 * in the same transaction as the deletions; no list of persons.
 */
export const retentionRule = 'CR21-retention-purge';

/** Persons purged per transaction: bounds how long one purge holds the consent log's head. */
const personsPerTransaction = 500;

export interface PurgeOptions {
  readonly store: Store;
  readonly config: { readonly privacy: { readonly retention: RetentionSettings } };
  readonly now: Date;
  /** Compute and report what would go, then roll everything back. */
  readonly dryRun?: boolean;
  /** The sync run this purge ends, for the log entry; null for `werkbrug privacy purge`. */
  readonly runId?: string | null;
}

export interface PurposePurge extends PurposeRemoval {
  readonly purpose: Purpose;
  /** Rows whose reference date is on or before this date were due. */
  readonly cutoff: string;
  readonly persons: number;
  /** Consent-log sequence numbers of the entries written (none in a dry run or when nothing was due). */
  readonly logSeqs: readonly number[];
}

export interface PurgeResult {
  readonly dryRun: boolean;
  readonly purposes: readonly PurposePurge[];
}

class DryRunRollback extends Error {
  constructor(readonly purposes: PurposePurge[]) {
    super('dry run: rolled back');
  }
}

const zero = (): { -readonly [K in keyof PurposeRemoval]: number } => ({ rowsUpdated: 0, rowsDeleted: 0, historyRowsUpdated: 0, historyRowsDeleted: 0 });
const removalKeys = Object.keys(zero()) as (keyof PurposeRemoval)[];

/** Up to `limit` due persons of one purpose, purged and (unless a dry run) logged, in the caller's transaction. */
async function purgePersons(tx: StoreTx, options: PurgeOptions, purpose: Purpose, cutoff: string, limit: number): Promise<PurposePurge> {
  const persons = await tx.loadRetentionDue(purpose, cutoff, limit);
  const counts = zero();
  for (const person of persons) {
    const removal = await tx.removePurpose(person, purpose, { includeConsentRecords: true });
    for (const key of removalKeys) counts[key] += removal[key];
  }
  const result = { purpose, cutoff, persons: persons.length, ...counts, logSeqs: [] as number[] };
  if (options.dryRun || persons.length === 0) return result;
  const content: ConsentLogContent = {
    kind: 'retention-purge', at: options.now.toISOString(), partnerId: 'all-partners', person: null, recordRef: null, outcome: 'erase',
    purposes: [{ purpose, outcome: 'refuse', rule: retentionRule, reason: 'retention-expired' }],
    runId: options.runId ?? null, batchId: null,
    detail: { cutoff, persons: persons.length, ...counts },
  };
  const [entry] = await tx.appendConsentLog([content]);
  return { ...result, logSeqs: entry ? [entry.seq] : [] };
}

/**
 * Purges every purpose of `privacy.retention` (all purpose codes, configured for the region or not:
 * rows may carry a purpose the region dropped since). Throws what the store throws; a purpose
 * purged before the failure stays purged and logged. A dry run does everything in ONE
 * transaction and rolls it back, so its counts are exactly what a real run would do.
 */
export async function purgeExpired(options: PurgeOptions): Promise<PurgeResult> {
  const today = amsterdamDate(options.now);
  const cutoffs = purposeCodes.map((purpose) => ({ purpose, cutoff: retentionCutoff(options.config.privacy.retention[purpose], today) }));
  if (options.dryRun) {
    const purposes = await options.store.transaction(async (tx) => {
      const counted: PurposePurge[] = [];
      for (const { purpose, cutoff } of cutoffs) counted.push(await purgePersons(tx, options, purpose, cutoff, Number.MAX_SAFE_INTEGER));
      throw new DryRunRollback(counted);
    }).catch((error: unknown) => {
      if (error instanceof DryRunRollback) return error.purposes;
      throw error;
    });
    return { dryRun: true, purposes };
  }
  const purposes: PurposePurge[] = [];
  for (const { purpose, cutoff } of cutoffs) {
    const total = { purpose, cutoff, persons: 0, ...zero(), logSeqs: [] as number[] };
    for (;;) {
      const chunk = await options.store.transaction((tx) => purgePersons(tx, options, purpose, cutoff, personsPerTransaction));
      total.persons += chunk.persons;
      for (const key of removalKeys) total[key] += chunk[key];
      total.logSeqs.push(...chunk.logSeqs);
      if (chunk.persons < personsPerTransaction) break;
    }
    purposes.push(total);
  }
  return { dryRun: false, purposes };
}

/**
 * The purge at the end of a sync run, when `privacy.retention.purgeAfterSync` is on. A failure is
 * logged, not thrown: the run's data is stored by then, and the next run purges again.
 */
export async function purgeAfterSync(runtime: Pick<Runtime, 'store' | 'config' | 'now'>, runId: string, log: Logger): Promise<void> {
  if (!runtime.config.privacy.retention.purgeAfterSync) return;
  try {
    // A person's reference date is the latest over every partner's rows: with one partner's
    // latest run failed (or never run), a newer row may be missing and the purge would come too
    // early. Only a store whose every active partner last synced completely is purged.
    const waitingFor = await partnerWithoutCompleteRun(runtime.store, runtime.config.partners);
    if (waitingFor !== undefined) {
      log.info({ partnerWithoutCompleteRun: waitingFor }, 'retention purge waits until every partner has synced completely');
      return;
    }
    const result = await purgeExpired({ store: runtime.store, config: runtime.config, now: runtime.now(), runId });
    const purged = result.purposes.filter((p) => p.persons > 0);
    if (purged.length > 0) {
      log.info({ purposes: purged.map((p) => p.purpose), persons: purged.reduce((n, p) => n + p.persons, 0), rowsDeleted: purged.reduce((n, p) => n + p.rowsDeleted, 0) }, 'rows past their retention period purged');
    }
  } catch (error) {
    log.error({ ...errorFields(error) }, 'retention purge failed');
  }
}
