import { WerkbrugError } from '../errors/werkbrug-error.js';
import type { RecordWrite, StoreTx } from '../store/store.js';
import type { TrajectoryRecord } from '../trajectory/trajectory-record.js';

/**
 * Rule 7 of the trajectory format (§4): a source that answers with complete snapshots per person
 * (UWV) is applied per person. The snapshot's records were already upserted (same content: a
 * no-op; other content: a replacement); what remains is the removal of this partner's stored
 * rows of the person, from the same service, that overlap the delivered period but are no longer
 * in the snapshot (UWV corrects and removes relations). Removals are logged like rule 6, with
 * reason `snapshot-missing`. Returns how many rows were removed.
 */
export interface Snapshot {
  readonly person: string;
  readonly keyPrefix: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly recordKeys: readonly string[];
}

/** The dates a stored row covers: an employment relation or a benefit spell. */
function spanOf(record: TrajectoryRecord): { start: string; end: string | undefined } | undefined {
  const payload = record.employment ?? record.benefit;
  return payload ? { start: payload.start_date, end: payload.end_date } : undefined;
}

/** Inclusive overlap of a row's span with the period; a row without dates counts as overlapping. */
export function overlapsPeriod(record: TrajectoryRecord, period: Snapshot['period']): boolean {
  const span = spanOf(record);
  if (span === undefined) return true;
  return span.start <= period.to && (span.end === undefined || span.end >= period.from);
}

/**
 * A snapshot may only speak for one service of its own partner, over a real period: a prefix
 * such as `uwv:` would let one service's answer remove the other's rows. A connector that sends
 * anything else has a bug, and the batch fails loudly instead of removing what it should not.
 */
export function checkSnapshot(partnerId: string, snapshot: Snapshot): void {
  const service = snapshot.keyPrefix.startsWith(`${partnerId}:`) ? snapshot.keyPrefix.slice(partnerId.length + 1) : '';
  if (!/^[a-z][a-z0-9-]{0,30}\/$/.test(service)) {
    throw new WerkbrugError('WB_STORE_CONTRACT', { partner: partnerId, field: 'snapshots[].keyPrefix', expected: `"${partnerId}:<service>/"`, got: JSON.stringify(snapshot.keyPrefix.slice(0, 60)) });
  }
  if (snapshot.period.from > snapshot.period.to) {
    throw new WerkbrugError('WB_STORE_CONTRACT', { partner: partnerId, field: 'snapshots[].period', expected: 'from on or before to', got: `${snapshot.period.from} > ${snapshot.period.to}` });
  }
  const stray = snapshot.recordKeys.find((key) => !key.startsWith(snapshot.keyPrefix));
  if (stray !== undefined) {
    throw new WerkbrugError('WB_STORE_CONTRACT', { partner: partnerId, field: 'snapshots[].recordKeys', expected: `keys starting with ${snapshot.keyPrefix}` });
  }
}

export async function applySnapshots(tx: StoreTx, partnerId: string, runId: string, snapshots: readonly Snapshot[]): Promise<number> {
  for (const snapshot of snapshots) checkSnapshot(partnerId, snapshot);
  const removals: RecordWrite[] = [];
  for (const snapshot of snapshots) {
    const keep = new Set(snapshot.recordKeys);
    for (const row of await tx.loadPersonRows(partnerId, snapshot.person, snapshot.keyPrefix)) {
      if (keep.has(row.recordKey) || !overlapsPeriod(row.record, snapshot.period)) continue;
      removals.push({ op: 'remove', partnerId, recordKey: row.recordKey, recordRef: row.recordRef, reason: 'snapshot-missing', runId });
    }
  }
  if (removals.length > 0) await tx.applyWrites(removals);
  return removals.length;
}
