import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentDocument } from '../../src/consent/consent-document.js';
import { relinkAndLog, relinkPairsOf, withoutPersonPrevious } from '../../src/privacy/key-rotation-relink.js';
import { contentHash } from '../../src/stages/canonical-json.js';
import { decideUpsert } from '../../src/stages/upsert-decision.js';
import type { RelinkCounts } from '../../src/store/store.js';
import { draftHash } from '../../src/trajectory/draft-hash.js';
import type { DraftRecord, TrajectoryRecord } from '../../src/trajectory/trajectory-record.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { ingest, referral } from '../store/store-fixtures.js';

/**
 * Relinking in the store (`src/store/key-rotation-store.ts`): every table that holds a person
 * follows the person from the old pseudonym to the new one; the logs do not; the hashes that
 * cover the stored JSON are recomputed so the next delivery of the same version is no conflict.
 */
const engines = await testEngines();

// Fictional pseudonyms under two key ids; no person behind them.
const oldPerson = `ps1:old-key:${'O'.repeat(42)}A`;
const newPerson = `ps1:new-key:${'N'.repeat(42)}A`;
const otherPerson = `ps1:old-key:${'Q'.repeat(42)}A`;

function draftOf(record: TrajectoryRecord): DraftRecord {
  const { format: _f, purposes: _p, lineage: _l, ...draft } = record;
  return draft;
}

function consentDocument(id: string, person: string): ConsentDocument {
  return {
    consentKey: `ggz-altrecht:Consent/${id}`, consentRef: `ggz-altrecht:Consent/${id}/_history/1`, version: '1', person,
    status: 'active', understood: true, regionAllowed: true, actionAllowed: true,
    provision: { type: 'permit', purposes: ['P_MONITOR_REGIO'] }, exceptions: [], form: 'written',
  };
}

describe.each(engines)('relinking a person on $name', (engine) => {
  let t: TestStore;
  let moved: ReadonlyMap<string, RelinkCounts>;
  const v2 = referral({ id: 'kr1', version: '2', modifiedAt: '2025-04-01T10:00:00Z', person: oldPerson });

  beforeAll(async () => {
    t = await openTestStore(engine);
    // Under the old key: a record with one replaced version, a removed record, a pending draft
    // (still carrying a person_previous, as a page of an earlier window would), a consent document;
    // and another person who must not move.
    await ingest(t.store, [referral({ id: 'kr1', version: '1', person: oldPerson })]);
    await ingest(t.store, [v2, referral({ id: 'kr2', version: '1', person: oldPerson }), referral({ id: 'kr9', version: '1', person: otherPerson })]);
    await ingest(t.store, [referral({ id: 'kr2', version: '2', deleted: true, modifiedAt: '2025-05-01T10:00:00Z' })]);
    const pendingDraft = { ...draftOf(referral({ id: 'kr3', version: '1', person: oldPerson })), person_previous: otherPerson };
    await t.store.transaction(async (tx) => {
      await tx.savePending([{ partnerId: 'ggz-altrecht', stream: 'referrals', recordKey: 'ggz-altrecht:ServiceRequest/kr3', person: oldPerson, draft: pendingDraft, connector: 'ggz-fhir@1.0.0', mappingVersion: 'm1', waitingSince: '2025-05-01T00:00:00Z', runId: 'run-test' }]);
      await tx.saveConsentDocuments([consentDocument('c1', oldPerson), consentDocument('c9', otherPerson)]);
      await tx.appendConsentLog([{ kind: 'decision', at: '2025-05-01T00:00:00Z', partnerId: 'ggz-altrecht', person: oldPerson, recordRef: v2.source.record_ref, outcome: 'permit', purposes: [], runId: 'run-test', batchId: 'batch-0001' }]);
    });
    moved = await t.store.transaction((tx) => tx.relinkPersons([{ person: newPerson, previous: oldPerson }]));
  });
  afterAll(async () => { await t?.close(); });

  it('moves the record, its history, the removal, the pending draft and the consent document, and counts them', () => {
    expect([...moved]).toEqual([[newPerson, { records: 1, history: 1, pending: 1, consentDocuments: 1, removals: 1 }]]);
  });

  it('leaves the old pseudonym in no table but the append-only consent log', async () => {
    const holding: string[] = [];
    for (const table of await t.store.listTables()) if ((await t.store.dumpTable(table)).some((row) => row.includes(oldPerson))) holding.push(table);
    expect(holding).toEqual(['consent_log']);
    expect((await t.store.verifyConsentLog()).ok).toBe(true);
  });

  it('does not move another person under the old key', async () => {
    const rows = await t.sql.query(`SELECT person FROM records WHERE record_key = 'ggz-altrecht:ServiceRequest/kr9'`);
    expect(rows).toEqual([{ person: otherPerson }]);
    expect((await t.store.transaction((tx) => tx.loadConsentDocuments([otherPerson]))).get(otherPerson)).toHaveLength(1);
  });

  it('rewrites the person inside the stored JSON and recomputes the content hash over it', async () => {
    const stored = await t.store.getRecord('ggz-altrecht', v2.source.record_key);
    expect(stored?.person).toBe(newPerson);
    const { lineage, ...body } = stored ?? v2;
    expect(lineage.content_hash).toBe(contentHash(body));
    expect(lineage.content_hash).not.toBe(v2.lineage.content_hash);
    // The rest of the lineage (when, which batch) stays as it was.
    expect(lineage.batch_id).toBe(v2.lineage.batch_id);
    expect(lineage.ingested_at).toBe(v2.lineage.ingested_at);
  });

  it('keeps the draft hash in step, so the same version delivered under the new pseudonym is a no-op, not a conflict', async () => {
    const redelivered = { ...draftOf(v2), person: newPerson };
    const states = await t.store.transaction((tx) => tx.loadRowStates('ggz-altrecht', [v2.source.record_key]));
    const current = states.get(v2.source.record_key);
    expect(current?.draftHash).toBe(draftHash(redelivered));
    const verdict = decideUpsert(
      { version: '2', mappingVersion: 'm1', modifiedAt: '2025-04-01T10:00:00Z', contentHash: draftHash(redelivered), deleted: false },
      current ? { ...current, contentHash: current.draftHash ?? current.contentHash } : undefined,
    );
    expect(verdict).toBe('noop');
  });

  it('drops person_previous from the pending draft', async () => {
    const [pending] = await t.store.transaction((tx) => tx.loadPendingByPerson([newPerson]));
    expect(pending?.draft.person).toBe(newPerson);
    expect(pending?.draft.person_previous).toBeUndefined();
  });

  it('finds nothing to do the second time (idempotent), and logs nothing then', async () => {
    const again = await t.store.transaction((tx) => relinkAndLog(tx, [{ person: newPerson, previous: oldPerson }], { at: '2025-06-01T00:00:00Z', partnerId: 'ggz-altrecht', runId: null, batchId: null }));
    expect(again).toBe(0);
  });

  it('logs one relink entry per person with the old pseudonym and the counts', async () => {
    const fresh = `ps1:new-key:${'R'.repeat(42)}A`;
    const logged = await t.store.transaction((tx) => relinkAndLog(tx, [{ person: fresh, previous: otherPerson }, { person: fresh, previous: otherPerson }], { at: '2025-06-01T00:00:00Z', partnerId: 'ggz-altrecht', runId: 'run-x', batchId: 'batch-x0001' }));
    expect(logged).toBe(1);
    const entries = await t.store.readConsentLog({});
    const relink = entries.find((e) => e.content.kind === 'relink');
    expect(relink?.content).toMatchObject({ kind: 'relink', outcome: 'relink', person: fresh, recordRef: null, detail: { previous: otherPerson, records: 1, consentDocuments: 1 } });
  });

  it('counts stored persons per key id', async () => {
    expect(await t.store.personsByKeyId()).toEqual([{ keyId: 'new-key', persons: 2 }]);
  });
});

describe('the pairs of a page', () => {
  const record = referral({ id: 'p1', version: '1', person: newPerson });
  const paired = { draft: { ...draftOf(record), person_previous: oldPerson } };

  it('are taken from person_previous, once per person', () => {
    expect(relinkPairsOf([paired, paired, { draft: draftOf(record) }])).toEqual([{ person: newPerson, previous: oldPerson }]);
  });

  it('leave no person_previous in the drafts that go on to be decided and stored', () => {
    const [stripped] = withoutPersonPrevious([paired]);
    expect(stripped?.draft).toEqual(draftOf(record));
    expect('person_previous' in (stripped?.draft ?? {})).toBe(false);
  });
});
