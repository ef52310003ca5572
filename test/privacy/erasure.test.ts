import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../src/pipeline/ingest-batch.js';
import { contentHash } from '../../src/stages/canonical-json.js';
import type { ConsentLogEntry, Store } from '../../src/store/store.js';
import { trajectoryRecordSchema } from '../../src/trajectory/trajectory-record.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { benefit, bystander, consentPage, lotte, page, settingsAt, trajectory, type ConsentSpec } from './erasure-fixtures.js';

/**
 * Withdrawal → erasure through `ingestBatch`, on both store engines: what a consent page that
 * withdraws does to the person's rows of every partner, their history and pending records, the
 * consent log and the receipts (brief, invariant 3).
 */
const engines = await testEngines();

const stored = settingsAt('2025-03-01T08:00:00Z');
const later = settingsAt('2025-06-02T07:00:00Z');
const given: ConsentSpec = { who: lotte, id: 'cns-3', version: 1 };

interface Row { readonly partner_id: string; readonly record_key: string; readonly person: string; readonly purposes: string[]; readonly record: unknown; readonly content_hash: string; readonly record_kind: string }

describe.each(engines)('erasure after a withdrawal on $name', (engine) => {
  let test: TestStore;
  let store: Store;
  beforeAll(async () => {
    test = await openTestStore(engine);
    store = test.store;
  });
  afterAll(async () => test?.close());

  const rows = async (table: 'records' | 'record_history', who = lotte): Promise<Row[]> =>
    (await store.dumpTable(table)).map((line) => JSON.parse(line) as Row).filter((row) => row.person === who);
  const erasures = async (): Promise<ConsentLogEntry[]> => (await store.readConsentLog({ fromSeq: 1, limit: 10_000 })).filter((e) => e.content.kind === 'erasure');

  /** Lotte (P3 of the cast) and a bystander with consent for both purposes, a trajectory in two versions and a gemeente benefit. */
  beforeEach(async () => {
    await test.reset();
    await ingestBatch(store, consentPage(given, { who: bystander, id: 'cns-9', version: 1 }), stored);
    await ingestBatch(store, page('ggz-altrecht', 'EpisodeOfCare', [{ draft: trajectory(lotte, 'eoc-3', 1) }, { draft: trajectory(bystander, 'eoc-9', 1) }]), stored);
    await ingestBatch(store, page('ggz-altrecht', 'EpisodeOfCare', [{ draft: trajectory(lotte, 'eoc-3', 2) }]), stored);
    await ingestBatch(store, page('gem-utrecht', 'PWU', [{ draft: benefit(lotte, '0356-PW-3') }]), stored);
    expect((await rows('records')).filter((r) => r.record_kind !== 'consent').map((r) => r.purposes)).toEqual([bothPurposesSorted(), bothPurposesSorted()]);
    expect(await rows('record_history')).toHaveLength(1);
  });

  it('erases the person from every partner for each withdrawn purpose, logs one erasure per purpose and writes the receipts', async () => {
    await ingestBatch(store, consentPage({ ...given, version: 2, status: 'inactive' }), later);

    const left = await rows('records');
    expect(left.map((r) => r.record_kind)).toEqual(['consent']);
    expect((await rows('record_history')).filter((r) => r.record_kind !== 'consent')).toEqual([]);
    expect((await rows('records', bystander)).filter((r) => r.record_kind !== 'consent')).toHaveLength(1);

    const entries = await erasures();
    expect(entries.map((e) => [e.content.person, e.content.purposes[0]?.purpose, e.content.purposes[0]?.rule, e.content.outcome])).toEqual([
      [lotte, 'P_MONITOR_REGIO', 'CR20-withdrawn-erasure', 'erase'],
      [lotte, 'P_VERANTWOORDING_COFIN', 'CR20-withdrawn-erasure', 'erase'],
    ]);
    // The first purpose takes nothing away on its own (both rows keep the other one); the second deletes them.
    expect(entries.map((e) => e.content.detail)).toEqual([
      { withdrawalRule: 'CR07-withdrawn', rowsUpdated: 2, rowsDeleted: 0, historyRowsUpdated: 1, historyRowsDeleted: 0, pendingDeleted: 0 },
      { withdrawalRule: 'CR07-withdrawn', rowsUpdated: 0, rowsDeleted: 2, historyRowsUpdated: 0, historyRowsDeleted: 1, pendingDeleted: 0 },
    ]);
    expect(entries[0]?.content.recordRef).toBe('ggz-altrecht:Consent/cns-3/_history/2');

    const receipts = await store.listErasureReceipts({ from: '2025-06-01T00:00:00Z', to: '2025-06-03T00:00:00Z' });
    expect(receipts.map((r) => ({ purpose: r.purpose, person: r.person, deleted: r.rowsDeleted, seq: r.logSeq, hash: r.logHash, ok: r.matchesLog }))).toEqual(
      entries.map((e) => ({ purpose: e.content.purposes[0]?.purpose, person: lotte, deleted: e.content.detail?.rowsDeleted, seq: e.seq, hash: e.hash, ok: true })),
    );
    expect(receipts[0]).toMatchObject({ partnerId: 'ggz-altrecht', consentRef: 'ggz-altrecht:Consent/cns-3/_history/2', rule: 'CR20-withdrawn-erasure', runId: 'r-erasure-1' });
    expect(await store.verifyConsentLog()).toMatchObject({ ok: true });
  });

  it('keeps the rows for the purpose the person still consents to, with that purpose only and a valid content hash', async () => {
    await ingestBatch(store, consentPage({ ...given, version: 2, purposes: ['P_MONITOR_REGIO'] }), later);

    for (const table of ['records', 'record_history'] as const) {
      for (const row of (await rows(table)).filter((r) => r.record_kind !== 'consent')) {
        expect(row.purposes).toEqual(['P_MONITOR_REGIO']);
        const record = trajectoryRecordSchema.parse(row.record);
        const { lineage, ...body } = record;
        expect(record.purposes).toEqual(['P_MONITOR_REGIO']);
        expect(row.content_hash).toBe(lineage.content_hash);
        expect(lineage.content_hash).toBe(contentHash(body));
      }
    }
    expect((await rows('records')).filter((r) => r.record_kind !== 'consent')).toHaveLength(2);
    const entries = await erasures();
    expect(entries.map((e) => [e.content.purposes[0]?.purpose, e.content.detail?.withdrawalRule, e.content.detail?.rowsUpdated])).toEqual([
      ['P_VERANTWOORDING_COFIN', 'CR11-other-purpose', 2],
    ]);
    expect(await store.verifyConsentLog()).toMatchObject({ ok: true });
  });

  it('erases nothing when a consent reaches its planned end, even when a new version of it arrives', async () => {
    await test.reset();
    const ending: ConsentSpec = { ...given, periodEnd: '2025-05-15' };
    await ingestBatch(store, consentPage(ending), stored);
    await ingestBatch(store, page('ggz-altrecht', 'EpisodeOfCare', [{ draft: trajectory(lotte, 'eoc-3', 1) }]), stored);

    await ingestBatch(store, consentPage(ending), later);
    await ingestBatch(store, consentPage({ ...ending, version: 2, lastUpdated: '2025-06-01T09:00:00Z' }), later);

    expect(await erasures()).toEqual([]);
    expect((await rows('records')).find((r) => r.record_kind === 'trajectory')?.purposes).toEqual(bothPurposesSorted());
  });

  it('erases when the period end is moved into the past', async () => {
    await ingestBatch(store, consentPage({ ...given, version: 2, periodEnd: '2025-05-31' }), later);
    expect((await erasures()).map((e) => e.content.detail?.withdrawalRule)).toEqual(['CR08-expired', 'CR08-expired']);
    expect((await rows('records')).filter((r) => r.record_kind !== 'consent')).toEqual([]);
  });

  const deletion = (): ReturnType<typeof page> => page('ggz-altrecht', 'Consent', [{
    draft: { record_kind: 'consent', source: { partner_id: 'ggz-altrecht', record_ref: 'ggz-altrecht:Consent/cns-3/_history/3', record_key: 'ggz-altrecht:Consent/cns-3', version: '3', modified_at: '2025-06-01T12:00:00.000Z', deleted: true } },
  }]);
  it.each([
    ['a newer deny', () => consentPage({ who: lotte, id: 'cns-4', version: 1, type: 'deny', recordedAt: '2025-06-01T10:00:00Z' }), 'CR05-deny'],
    ['a rejection', () => consentPage({ ...given, version: 2, status: 'rejected' }), 'CR06-rejected'],
    ['an entered-in-error', () => consentPage({ ...given, version: 2, status: 'entered-in-error' }), 'CR16-entered-in-error'],
    ['a deletion at the source', deletion, 'CR19-deleted-at-source'],
  ])('erases after %s, naming the rule that refuses', async (_, withdrawal, rule) => {
    await ingestBatch(store, withdrawal(), later);
    expect((await erasures()).map((e) => e.content.detail?.withdrawalRule)).toEqual([rule, rule]);
    expect((await rows('records')).filter((r) => r.record_kind !== 'consent')).toEqual([]);
    expect(await store.verifyConsentLog()).toMatchObject({ ok: true });
  });

  it('erases once when the withdrawal page arrives twice', async () => {
    const withdrawal = consentPage({ ...given, version: 2, status: 'inactive' });
    await ingestBatch(store, withdrawal, later);
    expect((await ingestBatch(store, withdrawal, later)).alreadyCommitted).toBe(true);
    await ingestBatch(store, { ...withdrawal, batchId: `${withdrawal.batchId}-replay` }, later);

    expect(await erasures()).toHaveLength(2);
    expect(await store.listErasureReceipts({})).toHaveLength(2);
    expect(await store.verifyConsentLog()).toMatchObject({ ok: true });
  });

  it('removes the person\'s pending records once no purpose remains possible, counted on the last receipt', async () => {
    const waiting = page('gem-utrecht', 'PWU', [{ draft: benefit(lotte, '0356-PW-4') }]);
    await store.transaction((tx) => tx.savePending([{
      partnerId: 'gem-utrecht', stream: 'PWU', recordKey: 'gem-utrecht:PWU/0356-PW-4', person: lotte, draft: benefit(lotte, '0356-PW-4'),
      connector: waiting.connector, mappingVersion: waiting.mappingVersion, waitingSince: '2025-05-30T08:00:00Z', runId: waiting.runId,
    }]));
    await ingestBatch(store, consentPage({ ...given, version: 2, status: 'inactive' }), later);

    expect(await store.countPending()).toBe(0);
    expect((await erasures()).map((e) => e.content.detail?.pendingDeleted)).toEqual([0, 1]);
    expect((await store.listErasureReceipts({})).map((r) => r.pendingDeleted)).toEqual([0, 1]);
  });

  it('erases nothing while the newer consent version could not be read: it withholds, and waits for a definite withdrawal', async () => {
    await ingestBatch(store, {
      ...page('ggz-altrecht', 'Consent', []),
      rejections: [{ sourceRef: 'ggz-altrecht:Consent/cns-3/_history/2', stage: 'validate', reason: 'invalid-date', field: 'provision.period.end', expected: 'a date (YYYY-MM-DD)' }],
    }, later);
    expect(await erasures()).toEqual([]);
    expect((await rows('records')).filter((r) => r.record_kind !== 'consent')).toHaveLength(2);

    await ingestBatch(store, consentPage({ ...given, version: 3, status: 'inactive' }), later);
    expect((await erasures()).map((e) => e.content.detail?.withdrawalRule)).toEqual(['CR07-withdrawn', 'CR07-withdrawn']);
  });
});

function bothPurposesSorted(): string[] {
  return ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'];
}
