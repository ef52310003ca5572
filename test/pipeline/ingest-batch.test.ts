import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsentDocument } from '../../src/consent/consent-document.js';
import { ingestBatch, type IngestBatch } from '../../src/pipeline/ingest-batch.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { DraftRecord } from '../../src/trajectory/trajectory-record.js';

/** One page from the edge into a real (in-memory PGlite) store, through the one transaction. */
const person = 'ps1:demo-2025a:XuMQoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA';
const stranger = 'ps1:demo-2025a:AAAAoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA';
const now = new Date('2025-06-02T07:00:00Z');
const settings = { purposes: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'] as const, maxWaitDays: 30, now };

function trajectory(who: string, id: string): DraftRecord {
  return {
    record_kind: 'trajectory', person: who,
    subject: { as_of: '2025-02-03', age_band: 'A27_34' },
    source: { partner_id: 'ggz-altrecht', record_ref: `ggz-altrecht:EpisodeOfCare/${id}/_history/5`, record_key: `ggz-altrecht:EpisodeOfCare/${id}`, version: '5', modified_at: '2025-06-02T08:03:55.090Z' },
    trajectory: { programme: 'IPS', provider_partner_id: 'ggz-altrecht', funding_stream: 'GEM_IPS_SUBSIDIE', start_date: '2025-02-03' },
  };
}

function consentDraft(who: string, id: string): DraftRecord {
  return {
    record_kind: 'consent', person: who,
    subject: { as_of: '2025-01-20', age_band: 'UNKNOWN' },
    source: { partner_id: 'ggz-altrecht', record_ref: `ggz-altrecht:Consent/${id}/_history/1`, record_key: `ggz-altrecht:Consent/${id}`, version: '1', modified_at: '2025-01-20T10:35:02.000Z' },
    consent: { status: 'active', purposes: ['P_MONITOR_REGIO'], given_date: '2025-01-20', valid_until: '2027-01-19', form: 'written' },
  };
}

const monitorOnly: ConsentDocument = {
  consentKey: 'ggz-altrecht:Consent/cns-1', consentRef: 'ggz-altrecht:Consent/cns-1/_history/1', version: '1', person, status: 'active',
  recordedAt: '2025-01-20T10:32:00Z', lastUpdated: '2025-01-20T10:35:02Z', understood: true, regionAllowed: true, actionAllowed: true,
  provision: { type: 'permit', purposes: ['P_MONITOR_REGIO'], periodStart: '2025-01-20', periodEnd: '2027-01-19' }, exceptions: [], form: 'written',
};

function batch(overrides: Partial<IngestBatch> = {}): IngestBatch {
  return {
    runId: 'r-test-1', partnerId: 'ggz-altrecht', stream: 'EpisodeOfCare', batchId: 'b1-r-test-1-EpisodeOfCare-a0-p00001',
    connector: 'ggz-fhir@0.1.0', mappingVersion: '2026.11', cursor: { lastUpdated: '2025-06-02T08:03:55.090Z', recent: [] },
    read: 3, absorbed: 0, consentReadable: true,
    records: [{ draft: trajectory(person, 'eoc-1') }, { draft: trajectory(stranger, 'eoc-2') }],
    rejections: [{ sourceRef: 'ggz-altrecht:EpisodeOfCare/eoc-3/_history/1', stage: 'validate', reason: 'invalid-date', field: 'period.start', expected: 'a date (YYYY-MM-DD)' }],
    ...overrides,
  };
}

describe('ingestBatch', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ inMemory: true });
    await store.createRun({ runId: 'r-test-1', partnerId: 'ggz-altrecht', trigger: 'test', startedAt: now.toISOString() });
    await store.transaction((tx) => tx.saveConsentDocuments([monitorOnly]));
  });
  afterEach(async () => store.close());

  it('stores a permitted record for its permitted purposes only, with the log entry that allowed it', async () => {
    const result = await ingestBatch(store, batch(), settings);
    expect(result.counts).toMatchObject({ read: 3, stored: 1, pending: 1, quarantined: 1 });
    const stored = await store.getRecord('ggz-altrecht', 'ggz-altrecht:EpisodeOfCare/eoc-1');
    expect(stored?.purposes).toEqual(['P_MONITOR_REGIO']);
    const [entry] = await store.readConsentLog({ fromSeq: 1, limit: 1 });
    expect(stored?.lineage.consent_decision).toBe(`cl1:${entry?.hash}`);
    expect(entry?.content.purposes.map((p) => p.rule)).toEqual(['CR04-permit', 'CR11-other-purpose']);
    expect(await store.getCursor('ggz-altrecht', 'EpisodeOfCare')).toEqual({ lastUpdated: '2025-06-02T08:03:55.090Z', recent: [] });
  });

  it('lets a person without consent wait, and keeps the wait', async () => {
    await ingestBatch(store, batch(), settings);
    expect(await store.countPending({ partnerId: 'ggz-altrecht' })).toBe(1);
    expect(await store.getRecord('ggz-altrecht', 'ggz-altrecht:EpisodeOfCare/eoc-2')).toBeUndefined();
  });

  it('changes nothing and counts nothing when a retried job finds its batch already committed', async () => {
    await ingestBatch(store, batch(), settings);
    const again = await ingestBatch(store, batch(), settings);
    expect(again.alreadyCommitted).toBe(true);
    const run = await store.getRun('r-test-1');
    expect(run?.streams.EpisodeOfCare).toMatchObject({ read: 3, stored: 1, pages: 1 });
    expect((await store.verifyConsentLog()).ok).toBe(true);
  });

  it('absorbs a replayed page under a new batch id as unchanged', async () => {
    await ingestBatch(store, batch(), settings);
    const replay = await ingestBatch(store, batch({ batchId: 'b1-r-test-1-EpisodeOfCare-a1-p00001' }), settings);
    expect(replay.counts).toMatchObject({ stored: 0, unchanged: 1, pending: 1 });
    expect(await store.countRecords({ partnerId: 'ggz-altrecht' })).toBe(1);
  });

  it('decides every record pending when the consent source could not be read', async () => {
    const result = await ingestBatch(store, batch({ consentReadable: false }), settings);
    expect(result.counts).toMatchObject({ stored: 0, pending: 2 });
    const entries = await store.readConsentLog({ fromSeq: 1, limit: 10 });
    expect(entries.flatMap((e) => e.content.purposes.map((p) => p.rule))).toEqual(Array(4).fill('CR01-source-unreachable'));
  });

  it("stores a waiting record as soon as its person's consent arrives, and counts it released", async () => {
    await ingestBatch(store, batch(), settings);
    const strangersConsent: ConsentDocument = { ...monitorOnly, consentKey: 'ggz-altrecht:Consent/cns-2', consentRef: 'ggz-altrecht:Consent/cns-2/_history/1', person: stranger };
    const consentPage = batch({
      stream: 'Consent', batchId: 'b1-r-test-1-Consent-a0-p00001', read: 1, rejections: [],
      records: [{ draft: consentDraft(stranger, 'cns-2'), consentDocument: strangersConsent }],
    });
    await ingestBatch(store, consentPage, { ...settings, now: new Date('2025-06-03T07:00:00Z') });
    expect((await store.getRecord('ggz-altrecht', 'ggz-altrecht:EpisodeOfCare/eoc-2'))?.purposes).toEqual(['P_MONITOR_REGIO']);
    expect(await store.countPending()).toBe(0);
    const run = await store.getRun('r-test-1');
    expect(run?.streams.EpisodeOfCare).toMatchObject({ pending: 1, released: 1 });
    expect((await store.verifyConsentLog()).ok).toBe(true);
  });

  it("counts another partner's waiting records that this run's consent released, under that partner's stream", async () => {
    const benefit: DraftRecord = {
      record_kind: 'benefit', person: stranger, subject: { as_of: '2023-03-01', age_band: 'A27_34', gemeente_code: '0344', arbeidsmarktregio_code: 'AM13' },
      source: { partner_id: 'gem-utrecht', record_ref: 'gem-utrecht:PWU/0344-PW-1/mut/10402', record_key: 'gem-utrecht:PWU/0344-PW-1', version: '10402', modified_at: null },
      benefit: { benefit_type: 'PW_BIJSTAND', start_date: '2023-03-01' },
    };
    await store.createRun({ runId: 'r-gem-1', partnerId: 'gem-utrecht', trigger: 'test', startedAt: now.toISOString() });
    await ingestBatch(store, batch({
      runId: 'r-gem-1', partnerId: 'gem-utrecht', stream: 'PWU', batchId: 'b1-r-gem-1-PWU-a0-p00001', connector: 'gemeente-stuf@0.1.0',
      cursor: { mutatievolgnummer: 10402, recent: [] }, read: 1, rejections: [], records: [{ draft: benefit }],
    }), settings);
    expect(await store.countPending({ partnerId: 'gem-utrecht' })).toBe(1);
    const strangersConsent: ConsentDocument = { ...monitorOnly, consentKey: 'ggz-altrecht:Consent/cns-2', consentRef: 'ggz-altrecht:Consent/cns-2/_history/1', person: stranger };
    await ingestBatch(store, batch({
      stream: 'Consent', batchId: 'b1-r-test-1-Consent-a0-p00001', read: 1, rejections: [],
      records: [{ draft: consentDraft(stranger, 'cns-2'), consentDocument: strangersConsent }],
    }), settings);
    expect((await store.getRecord('gem-utrecht', 'gem-utrecht:PWU/0344-PW-1'))?.purposes).toEqual(['P_MONITOR_REGIO']);
    const run = await store.getRun('r-test-1');
    expect(run?.streams['gem-utrecht/PWU']).toMatchObject({ read: 0, released: 1 });
  });

  it('quarantines a waiting record whose same version comes back with other content (E18)', async () => {
    await ingestBatch(store, batch(), settings);
    const changed = trajectory(stranger, 'eoc-2');
    const again = batch({ batchId: 'b1-r-test-1-EpisodeOfCare-a0-p00002', read: 1, rejections: [], records: [{ draft: { ...changed, subject: { as_of: '2025-02-03', age_band: 'A45_54' } } }] });
    const result = await ingestBatch(store, again, settings);
    expect(result.counts).toMatchObject({ pending: 0, quarantined: 1 });
    expect((await store.listQuarantine({ runId: 'r-test-1' })).map((q) => q.reason)).toContain('version-conflict');
  });

  it('stops an older consent from permitting when its newer version is quarantined (a withdrawal with a bad field)', async () => {
    const badWithdrawal = batch({
      stream: 'Consent', batchId: 'b1-r-test-1-Consent-a0-p00002', read: 1, records: [],
      rejections: [{ sourceRef: 'ggz-altrecht:Consent/cns-1/_history/2', stage: 'validate', reason: 'invalid-date', field: 'dateTime', expected: 'a dateTime with an offset' }],
    });
    await ingestBatch(store, badWithdrawal, settings);
    const result = await ingestBatch(store, batch(), settings);
    expect(result.counts).toMatchObject({ stored: 0, refused: 1, pending: 1 });
    const entries = await store.readConsentLog({ limit: 10 });
    expect(entries.find((e) => e.content.person === person)?.content.purposes.map((p) => p.rule)).toEqual(['CR14-not-understood', 'CR14-not-understood']);
  });

  it('leaves store, log and cursor untouched when the transaction fails', async () => {
    const broken = batch({ rejections: [{ sourceRef: 'x', stage: 'map', reason: 'not-a-reason', field: 'f', expected: 'e' }] });
    await expect(ingestBatch(store, broken, settings)).rejects.toThrow(/WB_STORE_CONTRACT/);
    expect(await store.countRecords()).toBe(0);
    expect(await store.readConsentLog({})).toEqual([]);
    expect(await store.getCursor('ggz-altrecht', 'EpisodeOfCare')).toBeUndefined();
  });
});
