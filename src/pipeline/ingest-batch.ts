import { z } from 'zod';
import type { EdgeRecord, Rejection, Cursor } from '../connector/connector.js';
import { consentDocumentSchema, type ConsentDocument } from '../consent/consent-document.js';
import { decideUpsert, dedupeBatch } from '../stages/upsert-decision.js';
import type { Purpose } from '../trajectory/codes.js';
import { draftRecordSchema, isoDate, pseudonymSchema } from '../trajectory/trajectory-record.js';
import { applySnapshots } from './apply-snapshots.js';
import type { RecordWrite, RunCounts, Store, StoreTx } from '../store/store.js';
import { emptyRunCounts } from '../store/store.js';
import { decideAndStore, incomingState } from './decide-and-store.js';
import { releasePending } from './release-pending.js';
import { consentStateBefore, eraseWithdrawn } from '../privacy/erasure.js';
import { relinkAndLog, relinkPairsOf, withoutPersonPrevious } from '../privacy/key-rotation-relink.js';

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
  /** The cursors row to advance when it is not the stream's own: a replay's or back-fill window's `<stream>@<key>`. */
  cursorKey: z.string().min(1).max(140).optional(),
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
  /** Per-person snapshots (rule 7) of a per-person source; see `apply-snapshots.ts`. */
  snapshots: z.array(z.strictObject({
    person: pseudonymSchema,
    keyPrefix: z.string().min(3).max(80),
    period: z.strictObject({ from: isoDate, to: isoDate }),
    recordKeys: z.array(z.string().max(240)),
  })).optional(),
  /** Per-person outcomes for the run summary: counts only. */
  personCounts: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/), z.number().int().min(0)).optional(),
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

/** Record keys of the consent resources among rejections (`partner:Consent/id[/_history/v]`). */
export function consentKeysOf(partnerId: string, rejections: readonly Rejection[]): string[] {
  const prefix = `${partnerId}:Consent/`;
  return [...new Set(rejections.filter((r) => r.sourceRef.startsWith(prefix)).map((r) => r.sourceRef.replace(/\/_history\/[^/]*$/, '')))];
}

export async function ingestBatch(store: Store, batch: IngestBatch, settings: IngestSettings): Promise<IngestResult> {
  return store.transaction((tx) => ingestInTransaction(tx, batch, settings));
}

async function ingestInTransaction(tx: StoreTx, batch: IngestBatch, settings: IngestSettings): Promise<IngestResult> {
  const now = settings.now.toISOString();
  const counts = emptyRunCounts();
  counts.read = batch.read;
  counts.pages = 1;
  counts.absorbed = batch.absorbed;
  await tx.lockStream(batch.partnerId, batch.stream);
  if (!(await tx.claimBatch({ batchId: batch.batchId, runId: batch.runId, partnerId: batch.partnerId, stream: batch.stream }))) {
    // Already committed by an earlier attempt of this job: everything it wrote stands, once.
    return { counts: emptyRunCounts(), logEntries: 0, alreadyCommitted: true };
  }

  // Key rotation (docs/privacy/key-rotation.md): persons paired with their old pseudonym are
  // relinked before anything is decided, so their consent documents and pending records are found
  // under the new one; `person_previous` is then dropped and never stored.
  const relinked = await relinkAndLog(tx, relinkPairsOf(batch.records), { at: now, partnerId: batch.partnerId, runId: batch.runId, batchId: batch.batchId });
  const records = withoutPersonPrevious(batch.records as EdgeRecord[]);

  const quarantine: Rejection[] = [...batch.rejections] as Rejection[];
  // A page may hold one record twice (E16) or two versions of it; PostgreSQL refuses an upsert
  // that touches one key twice, so keep the newest, count the rest, quarantine true conflicts.
  const deduped = dedupeBatch(records, (r) => r.draft.source.record_key, (r) => incomingState(r.draft, batch.mappingVersion));
  const kept = [...deduped.kept];
  counts.absorbed += deduped.superseded.length;
  for (const conflict of deduped.conflicts) {
    quarantine.push({ sourceRef: conflict.draft.source.record_ref, stage: 'map', reason: 'version-conflict', field: 'meta.versionId', expected: 'one content per source version' });
  }

  // Consent documents first, so the decisions of this very batch see them.
  const documents = kept.map((r) => r.consentDocument).filter((d): d is ConsentDocument => d !== undefined);
  const consentBefore = await consentStateBefore(tx, documents);
  if (documents.length > 0) await tx.saveConsentDocuments(documents);
  // A consent deleted at the source (FHIR DELETE) permits nothing from now on. A retraction that
  // comes with its document (entered-in-error) keeps that status, so rule CR16 can name it.
  const deletedConsents = kept.filter((r) => r.draft.source.deleted && r.draft.record_kind === 'consent' && !r.consentDocument);
  const deletedConsentPersons = deletedConsents.length > 0
    ? await tx.markConsentDeleted(deletedConsents.map((r) => r.draft.source.record_key), now, deletedConsents.map((r) => r.draft.source.modified_at ?? null))
    : [];
  // A consent version that could not be read must not leave its older version permitting.
  const unreadableConsentKeys = consentKeysOf(batch.partnerId, quarantine);
  const unreadableConsentPersons = unreadableConsentKeys.length > 0 ? await tx.markConsentUnreadable(unreadableConsentKeys) : [];

  const scope = {
    partnerId: batch.partnerId, runId: batch.runId, batchId: batch.batchId, connector: batch.connector, mappingVersion: batch.mappingVersion,
    now: settings.now, purposes: settings.purposes, maxWaitDays: settings.maxWaitDays, consentReadable: batch.consentReadable,
    // Rule 7: a snapshot source's answer replaces what is stored, whatever the version says.
    snapshotSource: batch.snapshots !== undefined,
  };

  // Pending records of persons whose consent changed are decided again first (see release-pending.ts for the lock order).
  let releaseLogEntries = 0;
  const changedPersons = [...new Set([...documents.map((d) => d.person), ...deletedConsentPersons, ...unreadableConsentPersons])];
  // A withdrawal among the changes erases that purpose from the person's rows (src/privacy/erasure.ts).
  const erasure = await eraseWithdrawn(tx, changedPersons, consentBefore, { ...scope, heldLocks: new Set([`${batch.partnerId}|${batch.stream}`]) });
  if (batch.consentReadable && changedPersons.length > 0) {
    const inThisBatch = new Set(kept.map((r) => r.draft.source.record_key));
    const waitingElsewhere = (await tx.loadPendingByPerson(changedPersons)).filter((p) => !(p.partnerId === batch.partnerId && inThisBatch.has(p.recordKey)));
    const release = await releasePending(tx, waitingElsewhere, { ...scope, heldLocks: new Set([`${batch.partnerId}|${batch.stream}`]) });
    releaseLogEntries = release.logEntries;
    // Counted in this run: under the stream's own name for this partner, and as
    // `<partner>/<stream>` for another partner's records this run's consent decided (they
    // stand outside every balance, as all released records do).
    for (const streamCounts of release.byStream.values()) {
      const stream = streamCounts.partnerId === batch.partnerId ? streamCounts.stream : `${streamCounts.partnerId}/${streamCounts.stream}`;
      await tx.addRunCounts(batch.runId, stream, { released: streamCounts.released, lapsed: streamCounts.lapsed });
    }
  }

  // Decide, log, normalise and upsert the live records of the page.
  const live = kept.filter((r) => !r.draft.source.deleted);
  const persons = [...new Set(live.map((r) => r.draft.person).filter((p): p is string => p !== undefined))];
  const waiting = new Map((await tx.loadPendingByPerson(persons)).map((p) => [`${p.partnerId}|${p.recordKey}`, p]));
  const outcome = await decideAndStore(tx, scope, live.map((r) => ({ draft: r.draft, waitingSince: waiting.get(`${batch.partnerId}|${r.draft.source.record_key}`)?.waitingSince ?? now })));
  counts.stored = outcome.stored;
  counts.unchanged = outcome.unchanged;
  counts.stale = outcome.stale;
  counts.refused = outcome.refused.length;
  counts.pending = outcome.pending.length;
  quarantine.push(...outcome.conflicts);

  // Tombstones need no consent (trajectory format §4) but follow the upsert rules: a deletion older
  // than the stored version (an old DELETE re-read in the cursor overlap) is stale, not applied.
  const tombstones = kept.filter((r) => r.draft.source.deleted);
  if (tombstones.length > 0) {
    const existing = await tx.loadRowStates(batch.partnerId, tombstones.map((r) => r.draft.source.record_key));
    const removals: RecordWrite[] = [];
    for (const { draft } of tombstones) {
      const current = existing.get(draft.source.record_key);
      const verdict = decideUpsert(incomingState(draft, batch.mappingVersion), current ? { ...current, contentHash: current.draftHash ?? current.contentHash } : undefined);
      if (verdict === 'stale') { counts.stale += 1; continue; }
      counts.deleted += 1;
      if (verdict === 'remove') {
        removals.push({ op: 'remove', partnerId: batch.partnerId, recordKey: draft.source.record_key, recordRef: draft.source.record_ref, reason: 'source-deleted', runId: batch.runId });
      }
    }
    if (removals.length > 0) await tx.applyWrites(removals);
  }

  // The pending table follows the store's upsert rules too: an older version never replaces a
  // waiting newer one, and the same version with other content is a version conflict (E18).
  const toWait = outcome.pending.filter(({ draft }) => {
    const held = waiting.get(`${batch.partnerId}|${draft.source.record_key}`);
    if (!held) return true;
    const verdict = decideUpsert(incomingState(draft, batch.mappingVersion), { ...incomingState(held.draft, held.mappingVersion) });
    if (verdict === 'conflict') {
      quarantine.push({ sourceRef: draft.source.record_ref, stage: 'map', reason: 'version-conflict', field: 'meta.versionId', expected: 'one content per source version' });
      counts.pending -= 1;
      return false;
    }
    if (verdict === 'stale') {
      counts.pending -= 1;
      counts.stale += 1;
      return false;
    }
    return true;
  });
  if (toWait.length > 0) {
    await tx.savePending(toWait.map(({ draft, waitingSince }) => ({
      partnerId: batch.partnerId, stream: batch.stream, recordKey: draft.source.record_key, person: draft.person ?? '',
      draft, connector: batch.connector, mappingVersion: batch.mappingVersion, waitingSince, runId: batch.runId,
    })));
  }
  const stillPending = new Set(outcome.pending.map((c) => c.draft.source.record_key));
  const resolved = live.filter((r) => waiting.has(`${batch.partnerId}|${r.draft.source.record_key}`) && !stillPending.has(r.draft.source.record_key));
  if (resolved.length > 0) await tx.deletePending(resolved.map((r) => ({ partnerId: batch.partnerId, recordKey: r.draft.source.record_key })));

  if (batch.snapshots && batch.snapshots.length > 0) {
    counts.removed = await applySnapshots(tx, batch.partnerId, batch.runId, batch.snapshots);
  }

  const lateConflicts = consentKeysOf(batch.partnerId, outcome.conflicts);
  if (lateConflicts.length > 0) await tx.markConsentUnreadable(lateConflicts);
  counts.quarantined = quarantine.length;
  if (quarantine.length > 0) {
    await tx.insertQuarantine(quarantine.map((q) => ({ ...q, partnerId: batch.partnerId, stream: batch.stream, runId: batch.runId, batchId: batch.batchId })));
  }
  await tx.saveCursor(batch.partnerId, batch.cursorKey ?? batch.stream, batch.cursor as Cursor, batch.runId);
  await tx.addRunCounts(batch.runId, batch.stream, counts, batch.personCounts, batch.cursor as Cursor);
  return { counts, logEntries: outcome.logEntries + releaseLogEntries + relinked + erasure.logEntries };
}
