import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentDocument } from '../../src/consent/consent-document.js';
import { emptyRunCounts, type NewQuarantineItem, type PendingItem } from '../../src/store/store.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { personA, personB, referral } from './store-fixtures.js';

const engines = await testEngines();

function pendingItem(id: string, person: string, waitingSince: string, runId = 'run-1'): PendingItem {
  const { format: _f, purposes: _p, lineage: _l, ...draft } = referral({ id, version: '1', person });
  return { partnerId: 'ggz-altrecht', stream: 'referrals', recordKey: draft.source.record_key, person, draft, connector: 'ggz-fhir@1.0.0', mappingVersion: 'm1', waitingSince, runId };
}

function consentDocument(id: string, version: string, person = personA, extra: Partial<ConsentDocument> = {}): ConsentDocument {
  return {
    consentKey: `ggz-altrecht:Consent/${id}`, consentRef: `ggz-altrecht:Consent/${id}/_history/${version}`, version, person,
    status: 'active', understood: true, regionAllowed: true, actionAllowed: true,
    provision: { type: 'permit', purposes: ['P_MONITOR_REGIO'] }, exceptions: [], form: 'written', ...extra,
  };
}

function rejection(sourceRef: string, runId: string, field = 'period.start'): NewQuarantineItem {
  return { sourceRef, stage: 'map', reason: 'invalid-date', field, expected: 'a date (YYYY-MM-DD)', partnerId: 'ggz-altrecht', stream: 'episodes', runId, batchId: `batch-${runId}` };
}

describe.each(engines)('operations tables on $name', (engine) => {
  let t: TestStore;
  beforeAll(async () => { t = await openTestStore(engine); });
  afterAll(async () => { await t?.close(); });

  describe('pending', () => {
    it('saves, loads by person and by age, and deletes', async () => {
      await t.store.transaction((tx) => tx.savePending([
        pendingItem('p1', personA, '2025-03-01T10:00:00.000Z'),
        pendingItem('p2', personB, '2025-03-05T10:00:00.000Z'),
      ]));
      expect(await t.store.countPending({ partnerId: 'ggz-altrecht' })).toBe(2);
      const [loaded] = await t.store.transaction((tx) => tx.loadPendingByPerson([personA]));
      expect(loaded).toEqual(pendingItem('p1', personA, '2025-03-01T10:00:00.000Z'));
      const old = await t.store.transaction((tx) => tx.loadPendingOlderThan('2025-03-04T00:00:00Z', 10));
      expect(old.map((p) => p.recordKey)).toEqual(['ggz-altrecht:ServiceRequest/p1']);
      await t.store.transaction((tx) => tx.deletePending([{ partnerId: 'ggz-altrecht', recordKey: 'ggz-altrecht:ServiceRequest/p1' }]));
      expect(await t.store.countPending()).toBe(1);
    });

    it('keeps the first waitingSince when a record waits again', async () => {
      await t.store.transaction((tx) => tx.savePending([pendingItem('p3', personA, '2025-03-01T10:00:00.000Z')]));
      await t.store.transaction((tx) => tx.savePending([
        pendingItem('p3', personA, '2025-03-09T10:00:00.000Z', 'run-2'),
        pendingItem('p3', personA, '2025-03-08T10:00:00.000Z', 'run-2'),
      ]));
      const items = await t.store.transaction((tx) => tx.loadPendingByPerson([personA]));
      expect(items.find((p) => p.recordKey.endsWith('/p3'))).toMatchObject({ waitingSince: '2025-03-01T10:00:00.000Z', runId: 'run-2' });
    });
  });

  describe('quarantine', () => {
    it('keeps one row per reference, reason and field, and counts the occurrences', async () => {
      await t.store.transaction((tx) => tx.insertQuarantine([
        rejection('ggz-altrecht:EpisodeOfCare/1/_history/1', 'run-q1'),
        rejection('ggz-altrecht:EpisodeOfCare/1/_history/1', 'run-q1'),
        rejection('ggz-altrecht:EpisodeOfCare/1/_history/1', 'run-q1', 'period.end'),
      ]));
      await t.store.transaction((tx) => tx.insertQuarantine([rejection('ggz-altrecht:EpisodeOfCare/1/_history/1', 'run-q2')]));
      const items = await t.store.listQuarantine({ partnerId: 'ggz-altrecht' });
      expect(items).toHaveLength(2);
      expect(items.find((i) => i.field === 'period.start')).toMatchObject({ occurrences: 3, runId: 'run-q2', batchId: 'batch-run-q2', reason: 'invalid-date' });
      expect(await t.store.listQuarantine({ runId: 'run-q1' })).toHaveLength(1);
    });

    it('refuses a reason outside the shared vocabulary, naming the reference', async () => {
      const bad = { ...rejection('ggz-altrecht:EpisodeOfCare/2/_history/1', 'run-q3'), reason: 'looks odd' } as unknown as NewQuarantineItem;
      await expect(t.store.transaction((tx) => tx.insertQuarantine([bad]))).rejects.toThrow(/WB_STORE_CONTRACT .*EpisodeOfCare\/2.* reason: expected a quarantine reason/);
    });
  });

  describe('sync runs', () => {
    it('accumulates counters per stream and reports them with the run', async () => {
      await t.store.createRun({ runId: 'run-c1', partnerId: 'ggz-altrecht', trigger: 'test', startedAt: '2025-03-02T08:00:00.000Z' });
      await t.store.createRun({ runId: 'run-c1', partnerId: 'ggz-altrecht', trigger: 'test', startedAt: '2025-03-02T09:00:00.000Z' });
      await t.store.transaction((tx) => tx.addRunCounts('run-c1', 'episodes', { read: 500, stored: 490, quarantined: 10, pages: 1 }));
      await t.store.transaction((tx) => tx.addRunCounts('run-c1', 'episodes', { read: 20, stored: 20, pages: 1 }));
      await t.store.transaction((tx) => tx.addRunCounts('run-c1', 'consents', { read: 3, unchanged: 3, pages: 1 }));
      const run = await t.store.getRun('run-c1');
      expect(run).toMatchObject({ status: 'running', startedAt: '2025-03-02T08:00:00.000Z', finishedAt: null, trigger: 'test' });
      expect(run?.streams).toEqual({
        episodes: { ...emptyRunCounts(), read: 520, stored: 510, quarantined: 10, pages: 2, personCounts: {} },
        consents: { ...emptyRunCounts(), read: 3, unchanged: 3, pages: 1, personCounts: {} },
      });
    });

    it('records the outcome, lists failed runs, and refuses to finish an unknown run', async () => {
      await t.store.createRun({ runId: 'run-c2', partnerId: 'gemeente-utrecht', trigger: 'schedule', startedAt: '2025-03-03T08:00:00.000Z' });
      await t.store.finishRun('run-c2', { status: 'failed', finishedAt: '2025-03-03T08:05:00.000Z', errorCode: 'WB_PARTNER_AUTH', errorMessage: 'WB_PARTNER_AUTH partner gemeente-utrecht' });
      expect(await t.store.getRun('run-c2')).toMatchObject({ status: 'failed', errorCode: 'WB_PARTNER_AUTH', streams: {} });
      expect((await t.store.listRuns({ failedOnly: true })).map((r) => r.runId)).toEqual(['run-c2']);
      expect((await t.store.listRuns({ partnerId: 'ggz-altrecht' })).map((r) => r.runId)).toEqual(['run-c1']);
      expect(await t.store.getRun('run-none')).toBeUndefined();
      await expect(t.store.finishRun('run-none', { status: 'succeeded', finishedAt: '2025-03-03T08:05:00.000Z' })).rejects.toThrow(/WB_STORE_CONTRACT runId/);
    });

    it('refuses a negative count instead of storing it', async () => {
      await expect(t.store.transaction((tx) => tx.addRunCounts('run-c1', 'episodes', { stored: -1 }))).rejects.toThrow(/counts\.stored/);
    });
  });

  describe('consent state', () => {
    it('keeps the highest version per consent key and loads documents by person', async () => {
      await t.store.transaction((tx) => tx.saveConsentDocuments([consentDocument('c1', '2'), consentDocument('c1', '3', personA, { status: 'inactive' }), consentDocument('c2', '1', personB)]));
      await t.store.transaction((tx) => tx.saveConsentDocuments([consentDocument('c1', '1')]));
      const byPerson = await t.store.transaction((tx) => tx.loadConsentDocuments([personA, personB, 'ps1:none']));
      expect(byPerson.get(personA)).toEqual([consentDocument('c1', '3', personA, { status: 'inactive' })]);
      expect(byPerson.get(personB)?.map((d) => d.consentKey)).toEqual(['ggz-altrecht:Consent/c2']);
      expect(byPerson.has('ps1:none')).toBe(false);
    });

    it('marks a document deleted at the source so that it permits nothing, and names the person', async () => {
      const persons = await t.store.transaction((tx) => tx.markConsentDeleted(['ggz-altrecht:Consent/c2', 'ggz-altrecht:Consent/unknown'], '2025-03-04T10:00:00Z'));
      expect(persons).toEqual([personB]);
      const byPerson = await t.store.transaction((tx) => tx.loadConsentDocuments([personB]));
      expect(byPerson.get(personB)?.[0]?.status).toBe('deleted');
      // A late re-delivery of the same version does not bring it back.
      await t.store.transaction((tx) => tx.saveConsentDocuments([consentDocument('c2', '1', personB)]));
      expect((await t.store.transaction((tx) => tx.loadConsentDocuments([personB]))).get(personB)?.[0]?.status).toBe('deleted');
    });

    it('ignores a deletion older than the stored version (a replay re-reading the DELETE of a Consent created again)', async () => {
      await t.store.transaction((tx) => tx.saveConsentDocuments([consentDocument('c3', '4', personA, { lastUpdated: '2025-05-01T10:00:00.000Z' })]));
      const stale = await t.store.transaction((tx) => tx.markConsentDeleted(['ggz-altrecht:Consent/c3'], '2025-06-01T10:00:00Z', ['2025-04-01T10:00:00.000Z']));
      expect(stale).toEqual([]);
      expect((await t.store.transaction((tx) => tx.loadConsentDocuments([personA]))).get(personA)?.find((d) => d.consentKey.endsWith('/c3'))?.status).toBe('active');
      const later = await t.store.transaction((tx) => tx.markConsentDeleted(['ggz-altrecht:Consent/c3'], '2025-06-01T10:00:00Z', ['2025-05-02T10:00:00.000Z']));
      expect(later).toEqual([personA]);
      expect((await t.store.transaction((tx) => tx.loadConsentDocuments([personA]))).get(personA)?.find((d) => d.consentKey.endsWith('/c3'))?.status).toBe('deleted');
    });
  });

  describe('cursors', () => {
    it('stores a stream\'s cursor verbatim and replaces it', async () => {
      expect(await t.store.getCursor('ggz-altrecht', 'episodes')).toBeUndefined();
      await t.store.transaction((tx) => tx.saveCursor('ggz-altrecht', 'episodes', { lastUpdated: '2025-03-01T10:00:00.000Z', ids: ['a', 'b'] }, 'run-1'));
      await t.store.transaction((tx) => tx.saveCursor('ggz-altrecht', 'episodes', { lastUpdated: '2025-03-02T10:00:00.000Z', ids: [] }, 'run-2'));
      expect(await t.store.getCursor('ggz-altrecht', 'episodes')).toEqual({ lastUpdated: '2025-03-02T10:00:00.000Z', ids: [] });
    });
  });
});
