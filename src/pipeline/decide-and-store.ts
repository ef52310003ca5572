import type { Rejection } from '../connector/connector.js';
import type { ConsentDocument } from '../consent/consent-document.js';
import { amsterdamDate, decideRecord, type RecordDecision } from '../stages/consent-decision.js';
import { decideUpsert, type IncomingState } from '../stages/upsert-decision.js';
import type { Purpose } from '../trajectory/codes.js';
import { draftHash } from '../trajectory/draft-hash.js';
import { purposeSchema, type DraftRecord } from '../trajectory/trajectory-record.js';
import type { ConsentLogContent, RecordWrite, StoredRowState, StoreTx } from '../store/store.js';
import { finaliseRecord } from './finalise-record.js';

/**
 * The core of storing anything: decide consent per record and purpose, append every decision to
 * the consent log, normalise what was permitted and upsert it by the rules of the trajectory
 * format. Used for a fresh page (`ingest-batch.ts`) and for pending records decided again
 * (`release-pending.ts`), always inside the caller's transaction.
 */
export interface DecisionScope {
  readonly partnerId: string;
  readonly runId: string;
  readonly batchId: string;
  readonly connector: string;
  readonly mappingVersion: string;
  readonly now: Date;
  readonly purposes: readonly Purpose[];
  readonly maxWaitDays: number;
  /** False when this run could not read the partner's consent source: every decision waits. */
  readonly consentReadable: boolean;
  /**
   * True for a per-person snapshot source (UWV, trajectory format §4 rule 7): a record whose
   * content differs from the stored row replaces it, whatever the versions say.
   */
  readonly snapshotSource?: boolean;
}

export interface Candidate {
  readonly draft: DraftRecord;
  /** When the record first waited for consent; now for a record never pending. */
  readonly waitingSince: string;
}

export interface DecideOutcome {
  readonly stored: number;
  readonly unchanged: number;
  readonly stale: number;
  readonly refused: readonly Candidate[];
  readonly pending: readonly Candidate[];
  readonly conflicts: readonly Rejection[];
  readonly logEntries: number;
}

export function incomingState(draft: DraftRecord, mappingVersion: string): IncomingState {
  return {
    version: draft.source.version, mappingVersion, modifiedAt: draft.source.modified_at ?? null,
    contentHash: draftHash(draft), deleted: draft.source.deleted === true,
  };
}

function consentPurposes(draft: DraftRecord): Purpose[] {
  return (draft.consent?.purposes ?? []).filter((p): p is Purpose => purposeSchema.safeParse(p).success);
}

/** A consent record is kept, for the purposes it names, as proof of consent (rule CR00). */
function consentRecordDecision(draft: DraftRecord, regionPurposes: readonly Purpose[]): RecordDecision {
  const purposes = consentPurposes(draft);
  if (purposes.length === 0) {
    return {
      outcome: 'refuse', permitted: [],
      perPurpose: regionPurposes.map((purpose) => ({ purpose, decision: { outcome: 'refuse', rule: 'CR18-consent-record-unusable', reason: 'not-understood' } as const })),
    };
  }
  return {
    outcome: 'permit',
    permitted: purposes,
    perPurpose: purposes.map((purpose) => ({ purpose, decision: { outcome: 'permit', rule: 'CR00-consent-record', consentRef: draft.source.record_ref } as const })),
  };
}

export async function decideAndStore(tx: StoreTx, scope: DecisionScope, candidates: readonly Candidate[]): Promise<DecideOutcome> {
  if (candidates.length === 0) return { stored: 0, unchanged: 0, stale: 0, refused: [], pending: [], conflicts: [], logEntries: 0 };
  const now = scope.now.toISOString();
  const today = amsterdamDate(scope.now);
  const persons = [...new Set(candidates.map((c) => c.draft.person).filter((p): p is string => p !== undefined))];
  const consentState = scope.consentReadable ? await tx.loadConsentDocuments(persons) : new Map<string, readonly ConsentDocument[]>();

  const decided = candidates.map((candidate) => {
    const draft = candidate.draft;
    if (draft.record_kind === 'consent') return { candidate, decision: consentRecordDecision(draft, scope.purposes) };
    const lookup = scope.consentReadable
      ? { kind: 'found' as const, documents: consentState.get(draft.person ?? '') ?? [] }
      : { kind: 'unreachable' as const };
    return { candidate, decision: decideRecord(scope.purposes, { lookup, today, now, waitingSince: candidate.waitingSince, maxWaitDays: scope.maxWaitDays }) };
  });

  // Rows of permitted records as stored now: a permit that changes nothing (same version, same
  // purposes — a replay, a back-fill or a release re-reading what is stored) is not logged again;
  // the stored row keeps pointing at the decision that let it in.
  const permittedKeys = decided.filter((d) => d.decision.outcome === 'permit').map((d) => d.candidate.draft.source.record_key);
  const existing = permittedKeys.length > 0 ? await tx.loadRowStates(scope.partnerId, permittedKeys) : new Map<string, StoredRowState>();
  const unchangedPermit = (draft: DraftRecord, purposes: readonly string[]): boolean => {
    const current = existing.get(draft.source.record_key);
    if (!current || current.purposesKey !== [...purposes].sort().join(',')) return false;
    return decideUpsert(incomingState(draft, scope.mappingVersion), { ...current, contentHash: current.draftHash ?? current.contentHash }) === 'noop';
  };
  const logged = decided.filter(({ candidate, decision }) => !(decision.outcome === 'permit' && unchangedPermit(candidate.draft, decision.permitted)));
  const logContents: ConsentLogContent[] = logged.map(({ candidate, decision }) => ({
    kind: 'decision',
    at: now,
    partnerId: scope.partnerId,
    person: candidate.draft.person ?? null,
    recordRef: candidate.draft.source.record_ref,
    outcome: decision.outcome,
    purposes: decision.perPurpose.map(({ purpose, decision: d }) => ({
      purpose, outcome: d.outcome, rule: d.rule,
      ...('reason' in d && d.reason ? { reason: d.reason } : {}),
      ...(d.consentRef ? { consentRef: d.consentRef } : {}),
    })),
    runId: scope.runId,
    batchId: scope.batchId,
  }));
  const logEntries = await tx.appendConsentLog(logContents);
  const hashOf = new Map(logged.map((d, index) => [d, logEntries[index]?.hash]));

  const permitted = decided.flatMap((d) =>
    d.decision.outcome === 'permit' ? [{ draft: d.candidate.draft, purposes: d.decision.permitted, entryHash: hashOf.get(d) }] : []);
  const lineage = { ingestedAt: now, connector: scope.connector, mappingVersion: scope.mappingVersion, batchId: scope.batchId };
  const writes: RecordWrite[] = [];
  const conflicts: Rejection[] = [];
  let stored = 0;
  let unchanged = 0;
  let stale = 0;
  for (const { draft, purposes, entryHash } of permitted) {
    const record = finaliseRecord(draft, purposes, { ...lineage, consentDecision: entryHash ? `cl1:${entryHash}` : undefined });
    const current = existing.get(record.source.record_key);
    const byRules = decideUpsert(incomingState(draft, scope.mappingVersion), current ? { ...current, contentHash: current.draftHash ?? current.contentHash } : undefined);
    const verdict = scope.snapshotSource && (byRules === 'conflict' || byRules === 'stale') ? 'replace' : byRules;
    const samePurposes = current?.purposesKey === [...purposes].sort().join(',');
    if (verdict === 'insert' || verdict === 'replace' || (verdict === 'noop' && !samePurposes)) {
      // A consent change alone (other purposes, same source version) also rewrites the row.
      writes.push({ op: verdict === 'insert' ? 'insert' : 'replace', record, runId: scope.runId });
      stored += 1;
    } else if (verdict === 'noop') {
      writes.push({ op: 'touch', partnerId: scope.partnerId, recordKey: record.source.record_key });
      unchanged += 1;
    } else if (verdict === 'stale') {
      stale += 1;
    } else {
      conflicts.push({ sourceRef: record.source.record_ref, stage: 'map', reason: 'version-conflict', field: 'meta.versionId', expected: 'one content per source version' });
    }
  }
  if (writes.length > 0) await tx.applyWrites(writes);
  return {
    stored, unchanged, stale, conflicts, logEntries: logEntries.length,
    refused: decided.filter((d) => d.decision.outcome === 'refuse').map((d) => d.candidate),
    pending: decided.filter((d) => d.decision.outcome === 'pending').map((d) => d.candidate),
  };
}
