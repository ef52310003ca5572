import { z } from 'zod';
import type { EdgeRecord, Rejection, Cursor } from '../connector/connector.js';
import { consentDocumentSchema, type ConsentDocument } from '../consent/consent-document.js';
import { amsterdamDate, decideRecord, type RecordDecision } from '../stages/consent-decision.js';
import { decideUpsert, dedupeBatch, type IncomingState } from '../stages/upsert-decision.js';
import type { Purpose } from '../trajectory/codes.js';
import { draftRecordSchema, purposeSchema, type DraftRecord } from '../trajectory/trajectory-record.js';
import type { ConsentLogContent, RecordWrite, RunCounts, Store, StoreTx } from '../store/store.js';
import { emptyRunCounts } from '../store/store.js';
import { draftHash } from '../trajectory/draft-hash.js';
import { finaliseRecord } from './finalise-record.js';

/**
 * One batch (a page of one stream) from the edge into the store, in ONE transaction: the consent
 * decision per record and purpose, the consent-log entries, normalisation, the idempotent upserts,
 * quarantine, pending records, the run counters and the stream's cursor. Either all of it commits
 * or none of it does, so a crash anywhere means the page is pulled again and nothing is counted
 * twice (brief, invariant 5).
 */
export const ingestBatchSchema = z.strictObject({
  runId: z.string().min(1).max(80),
  partnerId: z.string().min(1).max(40),
  stream: z.string().min(1).max(60),
  batchId: z.string().regex(/^[A-Za-z0-9_-]{8,80}$/),
  connector: z.string().min(3).max(100),
  mappingVersion: z.string().min(1).max(32),
  cursor: z.record(z.string(), z.unknown()),
  read: z.number().int().min(0),
  absorbed: z.number().int().min(0),
  /** False when this run could not read the partner's consent source: every decision waits. */
  consentReadable: z.boolean(),
  records: z.array(z.strictObject({ draft: draftRecordSchema, consentDocument: consentDocumentSchema.optional() })),
  rejections: z.array(z.strictObject({
    sourceRef: z.string().max(300),
    stage: z.enum(['parse', 'validate', 'pseudonymise', 'map']),
    reason: z.string().max(40),
    field: z.string().max(200),
    expected: z.string().max(300),
  })),
});
export type IngestBatch = z.infer<typeof ingestBatchSchema>;

export interface IngestSettings {
  readonly purposes: readonly Purpose[];
  readonly maxWaitDays: number;
  readonly now: Date;
}

export interface IngestResult {
  readonly counts: RunCounts;
  readonly logEntries: number;
  readonly alreadyCommitted?: boolean;
}

function consentPurposes(draft: DraftRecord): Purpose[] {
  return (draft.consent?.purposes ?? []).filter((p): p is Purpose => purposeSchema.safeParse(p).success);
}

export async function ingestBatch(store: Store, batch: IngestBatch, settings: IngestSettings): Promise<IngestResult> {
  return store.transaction((tx) => ingestInTransaction(tx, batch, settings));
}

async function ingestInTransaction(tx: StoreTx, batch: IngestBatch, settings: IngestSettings): Promise<IngestResult> {
  const now = settings.now.toISOString();
  const today = amsterdamDate(settings.now);
  const counts = emptyRunCounts();
  counts.read = batch.read;
  counts.pages = 1;
  counts.absorbed = batch.absorbed;
  await tx.lockStream(batch.partnerId, batch.stream);
  if (!(await tx.claimBatch({ batchId: batch.batchId, runId: batch.runId, partnerId: batch.partnerId, stream: batch.stream }))) {
    // Already committed by an earlier attempt of this job: everything it wrote stands, once.
    return { counts: emptyRunCounts(), logEntries: 0, alreadyCommitted: true };
  }

  const quarantine: Rejection[] = [...batch.rejections] as Rejection[];
  // A page may hold one record twice (E16) or two versions of it; PostgreSQL refuses an upsert
  // that touches one key twice, so keep the newest, count the rest, quarantine true conflicts.
  const stateOf = (r: EdgeRecord): IncomingState => ({
    version: r.draft.source.version, mappingVersion: batch.mappingVersion, modifiedAt: r.draft.source.modified_at ?? null,
    contentHash: draftHash(r.draft), deleted: r.draft.source.deleted === true,
  });
  const deduped = dedupeBatch(batch.records as EdgeRecord[], (r) => r.draft.source.record_key, stateOf);
  const kept = [...deduped.kept];
  counts.absorbed += deduped.superseded.length;
  for (const conflict of deduped.conflicts) {
    quarantine.push({ sourceRef: conflict.draft.source.record_ref, stage: 'map', reason: 'version-conflict', field: 'meta.versionId', expected: 'one content per source version' });
  }

  // Consent documents first, so the decisions of this very batch see them.
  const documents = kept.map((r) => r.consentDocument).filter((d): d is ConsentDocument => d !== undefined);
  if (documents.length > 0) await tx.saveConsentDocuments(documents);
  // A consent deleted at the source (FHIR DELETE) permits nothing from now on. A retraction that
  // comes with its document (entered-in-error) keeps that status, so rule CR16 can name it.
  const deletedConsentKeys = kept.filter((r) => r.draft.source.deleted && r.draft.record_kind === 'consent' && !r.consentDocument).map((r) => r.draft.source.record_key);
  if (deletedConsentKeys.length > 0) await tx.markConsentDeleted(deletedConsentKeys, now);

  const live = kept.filter((r) => !r.draft.source.deleted);
  const persons = [...new Set(live.map((r) => r.draft.person).filter((p): p is string => p !== undefined))];
  const consentState = batch.consentReadable ? await tx.loadConsentDocuments(persons) : new Map<string, readonly ConsentDocument[]>();
  const waiting = new Map((await tx.loadPendingByPerson(persons)).map((p) => [`${p.partnerId}|${p.recordKey}`, p.waitingSince]));

  // Decide every live record; consent records are kept as proof of consent (rule CR00).
  const decided = live.map((record) => {
    const draft = record.draft;
    if (draft.record_kind === 'consent') {
      const purposes = consentPurposes(draft);
      const decision: RecordDecision = {
        outcome: purposes.length > 0 ? 'permit' : 'refuse',
        permitted: purposes,
        perPurpose: purposes.map((purpose) => ({ purpose, decision: { outcome: 'permit', rule: 'CR00-consent-record', consentRef: draft.source.record_ref } as const })),
      };
      return { record, decision, waitingSince: now };
    }
    const waitingSince = waiting.get(`${batch.partnerId}|${draft.source.record_key}`) ?? now;
    const lookup = batch.consentReadable
      ? { kind: 'found' as const, documents: consentState.get(draft.person ?? '') ?? [] }
      : { kind: 'unreachable' as const };
    const decision = decideRecord(settings.purposes, { lookup, today, now, waitingSince, maxWaitDays: settings.maxWaitDays });
    return { record, decision, waitingSince };
  });

  const logContents: ConsentLogContent[] = decided.map(({ record, decision }) => ({
    kind: 'decision',
    at: now,
    partnerId: batch.partnerId,
    person: record.draft.person ?? null,
    recordRef: record.draft.source.record_ref,
    outcome: decision.outcome,
    purposes: decision.perPurpose.map(({ purpose, decision: d }) => ({
      purpose, outcome: d.outcome, rule: d.rule,
      ...('reason' in d && d.reason ? { reason: d.reason } : {}),
      ...(d.consentRef ? { consentRef: d.consentRef } : {}),
    })),
    runId: batch.runId,
    batchId: batch.batchId,
  }));
  const logEntries = logContents.length > 0 ? await tx.appendConsentLog(logContents) : [];

  // Normalise and upsert what was permitted; tombstones need no consent (trajectory format §4).
  const permitted = decided.flatMap(({ record, decision }, index) =>
    decision.outcome === 'permit' ? [{ record, purposes: decision.permitted, entryHash: logEntries[index]?.hash }] : []);
  const keys = [...permitted.map((p) => p.record.draft.source.record_key), ...kept.filter((r) => r.draft.source.deleted).map((r) => r.draft.source.record_key)];
  const existing = keys.length > 0 ? await tx.loadRowStates(batch.partnerId, keys) : new Map();
  const writes: RecordWrite[] = [];
  const lineage = { ingestedAt: now, connector: batch.connector, mappingVersion: batch.mappingVersion, batchId: batch.batchId };

  for (const { record, purposes, entryHash } of permitted) {
    const stored = finaliseRecord(record.draft, purposes, { ...lineage, consentDecision: entryHash ? `cl1:${entryHash}` : undefined });
    const current = existing.get(stored.source.record_key);
    const verdict = decideUpsert(stateOf(record), current ? { ...current, contentHash: current.draftHash ?? current.contentHash } : undefined);
    if (verdict === 'insert' || verdict === 'replace') { writes.push({ op: verdict, record: stored, runId: batch.runId }); counts.stored += 1; }
    else if (verdict === 'noop') {
      if (current && current.purposesKey !== [...purposes].sort().join(',')) { writes.push({ op: 'replace', record: stored, runId: batch.runId }); counts.stored += 1; }
      else { writes.push({ op: 'touch', partnerId: batch.partnerId, recordKey: stored.source.record_key }); counts.unchanged += 1; }
    }
    else if (verdict === 'stale') counts.stale += 1;
    else quarantine.push({ sourceRef: stored.source.record_ref, stage: 'map', reason: 'version-conflict', field: 'meta.versionId', expected: 'one content per source version' });
  }
  for (const record of kept.filter((r) => r.draft.source.deleted)) {
    const source = record.draft.source;
    if (existing.has(source.record_key)) {
      writes.push({ op: 'remove', partnerId: batch.partnerId, recordKey: source.record_key, recordRef: source.record_ref, reason: 'source-deleted', runId: batch.runId });
    }
    counts.deleted += 1;
  }
  if (writes.length > 0) await tx.applyWrites(writes);

  const pending = decided.filter((d) => d.decision.outcome === 'pending');
  counts.pending = pending.length;
  counts.refused = decided.filter((d) => d.decision.outcome === 'refuse').length;
  if (pending.length > 0) {
    await tx.savePending(pending.map(({ record, waitingSince }) => ({
      partnerId: batch.partnerId, stream: batch.stream, recordKey: record.draft.source.record_key, person: record.draft.person ?? '',
      draft: record.draft, connector: batch.connector, mappingVersion: batch.mappingVersion, waitingSince, runId: batch.runId,
    })));
  }
  const resolved = decided.filter((d) => d.decision.outcome !== 'pending' && waiting.has(`${batch.partnerId}|${d.record.draft.source.record_key}`));
  if (resolved.length > 0) await tx.deletePending(resolved.map((d) => ({ partnerId: batch.partnerId, recordKey: d.record.draft.source.record_key })));

  counts.quarantined = quarantine.length;
  if (quarantine.length > 0) {
    await tx.insertQuarantine(quarantine.map((q) => ({ ...q, partnerId: batch.partnerId, stream: batch.stream, runId: batch.runId, batchId: batch.batchId })));
  }
  await tx.saveCursor(batch.partnerId, batch.stream, batch.cursor as Cursor, batch.runId);
  await tx.addRunCounts(batch.runId, batch.stream, counts);
  return { counts, logEntries: logEntries.length };
}
