import type { ConsentDocument } from '../consent/consent-document.js';
import { amsterdamDate } from '../stages/consent-decision.js';
import type { ConsentLogContent, ErasureReceipt, PurposeRemoval, StoreTx } from '../store/store.js';
import type { Purpose } from '../trajectory/codes.js';
import { findWithdrawals, nothingRemainsPossible, type Withdrawal } from './erasure-decision.js';

/**
 * Withdrawal → erasure, inside the ingest transaction of the consent page that carries the change
 * (brief, invariant 3; trajectory format §6): for every purpose a person's stored rows carry and
 * a withdrawal now refuses, the purpose leaves all of that person's rows of every partner (rows
 * left without a purpose are deleted with their history), their pending records go once no
 * purpose remains possible, and ONE consent-log entry (kind `erasure`, rule
 * `CR20-withdrawn-erasure`) plus one receipt per person and purpose say what was erased. It
 * commits with the page or not at all, so a replayed page finds nothing left to erase.
 */
export const erasureRule = 'CR20-withdrawn-erasure';

export interface ErasureScope {
  readonly partnerId: string;
  readonly runId: string;
  readonly batchId: string;
  readonly now: Date;
  /** The region's purposes (config `purposes`), for "does any purpose remain possible". */
  readonly purposes: readonly Purpose[];
  readonly maxWaitDays: number;
  /** Stream locks the caller already holds, `partner|stream`. */
  readonly heldLocks: ReadonlySet<string>;
}

export interface ErasureResult {
  readonly receipts: readonly ErasureReceipt[];
  readonly logEntries: number;
}

/**
 * The stored consent documents of the persons a consent page is about, read BEFORE the page's
 * documents are saved: only the state before the change tells a period end moved into the past
 * (a withdrawal) from one that was always there (an expiry).
 */
export async function consentStateBefore(tx: StoreTx, documents: readonly ConsentDocument[]): Promise<ReadonlyMap<string, readonly ConsentDocument[]>> {
  if (documents.length === 0) return new Map();
  return tx.loadConsentDocuments([...new Set(documents.map((d) => d.person))]);
}

/**
 * Erases what the withdrawals of `persons` (whose consent documents changed in this page, are
 * already saved and marked) take away. `before` is {@link consentStateBefore}; a person absent
 * from it (a deletion, a quarantined version) is judged on the rules alone.
 */
export async function eraseWithdrawn(tx: StoreTx, persons: readonly string[], before: ReadonlyMap<string, readonly ConsentDocument[]>, scope: ErasureScope): Promise<ErasureResult> {
  if (persons.length === 0) return { receipts: [], logEntries: 0 };
  const carried = await tx.loadCarriedPurposes(persons);
  if (carried.size === 0) return { receipts: [], logEntries: 0 };
  const after = await tx.loadConsentDocuments([...carried.keys()]);
  const clock = { today: amsterdamDate(scope.now), now: scope.now.toISOString(), maxWaitDays: scope.maxWaitDays };
  const withdrawals = findWithdrawals({ carried, before, after, ...clock });
  if (withdrawals.length === 0) return { receipts: [], logEntries: 0 };

  // The same lock order as release-pending.ts: the pending records' streams first, in one order;
  // then the consent log's head (removePurpose takes it), then record rows.
  const withdrawnPersons = [...new Set(withdrawals.map((w) => w.person))];
  const pending = await tx.loadPendingByPerson(withdrawnPersons);
  const streams = [...new Set(pending.map((p) => `${p.partnerId}|${p.stream}`))].filter((s) => !scope.heldLocks.has(s)).sort();
  for (const key of streams) {
    const [partnerId = '', stream = ''] = key.split('|');
    await tx.lockStream(partnerId, stream);
  }

  const erased: Array<{ withdrawal: Withdrawal; removal: PurposeRemoval; pendingDeleted: number }> = [];
  for (const person of withdrawnPersons) {
    const ofPerson = withdrawals.filter((w) => w.person === person);
    for (const withdrawal of ofPerson) {
      erased.push({ withdrawal, removal: await tx.removePurpose(person, withdrawal.purpose, { includeConsentRecords: false }), pendingDeleted: 0 });
    }
    // A pending record waits for any purpose; it goes only when none can be permitted any more, and
    // is counted on the receipt of the person's last purpose erased here.
    const waiting = pending.filter((p) => p.person === person);
    const last = erased[erased.length - 1];
    if (waiting.length > 0 && last && nothingRemainsPossible(scope.purposes, after.get(person) ?? [], clock)) {
      await tx.deletePending(waiting.map((p) => ({ partnerId: p.partnerId, recordKey: p.recordKey })));
      last.pendingDeleted = waiting.length;
    }
  }

  const at = scope.now.toISOString();
  const contents: ConsentLogContent[] = erased.map(({ withdrawal: w, removal, pendingDeleted }) => ({
    kind: 'erasure',
    at,
    partnerId: scope.partnerId,
    person: w.person,
    recordRef: w.consentRef,
    outcome: 'erase',
    purposes: [{ purpose: w.purpose, outcome: 'refuse', rule: erasureRule, reason: w.reason, ...(w.consentRef ? { consentRef: w.consentRef } : {}) }],
    runId: scope.runId,
    batchId: scope.batchId,
    detail: { withdrawalRule: w.rule, ...removal, pendingDeleted },
  }));
  const entries = await tx.appendConsentLog(contents);
  const receipts: ErasureReceipt[] = erased.map(({ withdrawal: w, removal, pendingDeleted }, index) => {
    const entry = entries[index];
    if (!entry) throw new Error('appendConsentLog returned fewer entries than it was given');
    return {
      receiptId: `er1-${entry.hash.slice(0, 24)}`, person: w.person, purpose: w.purpose, partnerId: scope.partnerId, consentRef: w.consentRef,
      rule: erasureRule, withdrawalRule: w.rule, ...removal, pendingDeleted, logSeq: entry.seq, logHash: entry.hash,
      runId: scope.runId, batchId: scope.batchId, at,
    };
  });
  await tx.saveErasureReceipts(receipts);
  return { receipts, logEntries: entries.length };
}
