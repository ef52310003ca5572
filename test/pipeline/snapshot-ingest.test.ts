import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsentDocument } from '../../src/consent/consent-document.js';
import { checkSnapshot, overlapsPeriod } from '../../src/pipeline/apply-snapshots.js';
import { ingestBatch, type IngestBatch } from '../../src/pipeline/ingest-batch.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { DraftRecord, TrajectoryRecord } from '../../src/trajectory/trajectory-record.js';

/** Rule 7 (trajectory format §4): a per-person snapshot source replaces, and removes what it no longer holds. */
const person = 'ps1:demo-2025a:XuMQoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA';
const now = new Date('2025-08-02T07:00:00Z');
const settings = { purposes: ['P_MONITOR_REGIO'] as const, maxWaitDays: 30, now };

const consent: ConsentDocument = {
  consentKey: 'ggz-altrecht:Consent/cns-1', consentRef: 'ggz-altrecht:Consent/cns-1/_history/1', version: '1', person, status: 'active',
  recordedAt: '2025-01-20T10:32:00Z', lastUpdated: '2025-01-20T10:35:02Z', understood: true, regionAllowed: true, actionAllowed: true,
  provision: { type: 'permit', purposes: ['P_MONITOR_REGIO'], periodStart: '2025-01-20', periodEnd: '2027-01-19' }, exceptions: [], form: 'written',
};

function job(key: string, month: string, hours: 'H20_31' | 'H32_PLUS', start = '2025-06-01'): DraftRecord {
  return {
    record_kind: 'employment', person,
    subject: { as_of: start, age_band: 'UNKNOWN' },
    source: { partner_id: 'uwv', record_ref: `uwv:ikv/${key}/p/${month}`, record_key: `uwv:ikv/${key}`, version: `p${month}`, modified_at: null },
    employment: { start_date: start, relation: 'employee', ikv_code: '15', competitive: 'unknown', hours_band: hours, observed_until: `${month}-28` },
  };
}

function page(n: number, drafts: DraftRecord[], period = { from: '2024-02-03', to: '2025-07-31' }): IngestBatch {
  return {
    runId: 'r-uwv-1', partnerId: 'uwv', stream: 'persons', batchId: `b1-r-uwv-1-persons-a0-p0000${n}`,
    connector: 'uwv-suwinet@0.1.0', mappingVersion: '2026.11', cursor: { lastRunDate: '2025-08-02' },
    read: drafts.length, absorbed: 0, consentReadable: true,
    records: drafts.map((draft) => ({ draft })), rejections: [],
    snapshots: [{ person, keyPrefix: 'uwv:ikv/', period, recordKeys: drafts.map((d) => d.source.record_key) }],
    personCounts: { asked: 1, answered: 1 },
  };
}

describe('per-person snapshots (rule 7)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ inMemory: true });
    await store.createRun({ runId: 'r-uwv-1', partnerId: 'uwv', trigger: 'test', startedAt: now.toISOString() });
    await store.transaction((tx) => tx.saveConsentDocuments([consent]));
  });
  afterEach(async () => store.close());

  it('replaces a changed record of the same period version, where rule 5 would call it a conflict', async () => {
    await ingestBatch(store, page(1, [job('h1-AAAAAAAAAAAAAAAAAAAAAA', '2025-07', 'H20_31')]), settings);
    const second = await ingestBatch(store, page(2, [job('h1-AAAAAAAAAAAAAAAAAAAAAA', '2025-07', 'H32_PLUS')]), settings);
    expect(second.counts).toMatchObject({ stored: 1, quarantined: 0 });
    expect((await store.getRecord('uwv', 'uwv:ikv/h1-AAAAAAAAAAAAAAAAAAAAAA'))?.employment?.hours_band).toBe('H32_PLUS');
  });

  it('leaves an unchanged snapshot alone', async () => {
    await ingestBatch(store, page(1, [job('h1-AAAAAAAAAAAAAAAAAAAAAA', '2025-07', 'H20_31')]), settings);
    const again = await ingestBatch(store, page(2, [job('h1-AAAAAAAAAAAAAAAAAAAAAA', '2025-07', 'H20_31')]), settings);
    expect(again.counts).toMatchObject({ stored: 0, unchanged: 1, removed: 0 });
  });

  it('removes a stored relation the new snapshot no longer holds, logs why, and counts it outside the balance', async () => {
    await ingestBatch(store, page(1, [job('h1-AAAAAAAAAAAAAAAAAAAAAA', '2025-07', 'H20_31'), job('h1-BBBBBBBBBBBBBBBBBBBBBB', '2025-07', 'H20_31')]), settings);
    const result = await ingestBatch(store, page(2, [job('h1-AAAAAAAAAAAAAAAAAAAAAA', '2025-07', 'H20_31')]), settings);
    expect(result.counts).toMatchObject({ read: 1, unchanged: 1, removed: 1 });
    expect(await store.getRecord('uwv', 'uwv:ikv/h1-BBBBBBBBBBBBBBBBBBBBBB')).toBeUndefined();
    const removals = await store.dumpTable('record_removals');
    expect(removals.map((row) => JSON.parse(row) as { record_key: string; reason: string })).toEqual([
      expect.objectContaining({ record_key: 'uwv:ikv/h1-BBBBBBBBBBBBBBBBBBBBBB', reason: 'snapshot-missing' }),
    ]);
    const run = await store.getRun('r-uwv-1');
    expect(run?.streams.persons).toMatchObject({ removed: 1, personCounts: { asked: 2, answered: 2 } });
  });

  it("removes only this person's rows of this service: another person's and the other service's rows stay", async () => {
    const other = 'ps1:demo-2025a:AAAAoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA';
    await store.transaction((tx) => tx.saveConsentDocuments([{ ...consent, consentKey: 'ggz-altrecht:Consent/cns-2', consentRef: 'ggz-altrecht:Consent/cns-2/_history/1', person: other }]));
    const othersJob: DraftRecord = { ...job('h1-OTHEROTHEROTHEROTHEROT', '2025-07', 'H20_31'), person: other };
    const benefit: DraftRecord = {
      record_kind: 'benefit', person, subject: { as_of: '2024-01-01', age_band: 'UNKNOWN' },
      source: { partner_id: 'uwv', record_ref: 'uwv:uv/h1-WWWWWWWWWWWWWWWWWWWWWW/p/2025-07', record_key: 'uwv:uv/h1-WWWWWWWWWWWWWWWWWWWWWW', version: 'p2025-07', modified_at: null },
      benefit: { benefit_type: 'WW', start_date: '2024-01-01' },
    };
    await ingestBatch(store, { ...page(1, [job('h1-AAAAAAAAAAAAAAAAAAAAAA', '2025-07', 'H20_31'), othersJob, benefit]), snapshots: [] }, settings);
    // Now UWV knows nothing about the person in the inkomsten service (an empty snapshot).
    const result = await ingestBatch(store, page(2, []), settings);
    expect(result.counts.removed).toBe(1);
    expect(await store.getRecord('uwv', 'uwv:ikv/h1-AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(await store.getRecord('uwv', 'uwv:ikv/h1-OTHEROTHEROTHEROTHEROT')).toBeDefined();
    expect(await store.getRecord('uwv', 'uwv:uv/h1-WWWWWWWWWWWWWWWWWWWWWW')).toBeDefined();
  });

  it('keeps a stored relation outside a shorter delivered period (U17)', async () => {
    await ingestBatch(store, page(1, [job('h1-OLDOLDOLDOLDOLDOLDOLD', '2025-07', 'H20_31', '2023-01-01')]), settings);
    const old = await store.getRecord('uwv', 'uwv:ikv/h1-OLDOLDOLDOLDOLDOLDOLD');
    expect(old).toBeDefined();
    // End it before the delivered period starts, then deliver only 2025 without it.
    const ended = { ...job('h1-OLDOLDOLDOLDOLDOLDOLD', '2025-07', 'H20_31', '2023-01-01') };
    const endedDraft: DraftRecord = { ...ended, employment: { ...ended.employment!, end_date: '2024-06-30' } };
    await ingestBatch(store, page(2, [endedDraft]), settings);
    const result = await ingestBatch(store, page(3, [], { from: '2025-01-01', to: '2025-07-31' }), settings);
    expect(result.counts.removed).toBe(0);
    expect(await store.getRecord('uwv', 'uwv:ikv/h1-OLDOLDOLDOLDOLDOLDOLD')).toBeDefined();
  });
});

describe('overlapsPeriod', () => {
  const record = (start: string, end?: string): TrajectoryRecord => ({
    format: 'werkbrug.trajectory/1', record_kind: 'benefit', person,
    source: { partner_id: 'uwv', record_ref: 'uwv:uv/h1-x/p/2025-07', record_key: 'uwv:uv/h1-x', version: 'p2025-07' },
    benefit: { benefit_type: 'WW', start_date: start, ...(end ? { end_date: end } : {}) },
    lineage: { ingested_at: '2025-08-02T07:00:00Z', connector: 'uwv-suwinet@0.1.0', mapping_version: 'm', batch_id: 'b1-xxxxxxxx', content_hash: `sha256:${'0'.repeat(64)}` },
  });
  const period = { from: '2025-01-01', to: '2025-06-30' };
  it.each([
    ['open-ended from before', record('2020-01-01'), true],
    ['ended inside', record('2020-01-01', '2025-01-01'), true],
    ['ended the day before', record('2020-01-01', '2024-12-31'), false],
    ['starts on the last day', record('2025-06-30'), true],
    ['starts after', record('2025-07-01'), false],
  ])('%s', (_name, row, expected) => {
    expect(overlapsPeriod(row, period)).toBe(expected);
  });
});

describe('checkSnapshot', () => {
  const ok = { person, keyPrefix: 'uwv:ikv/', period: { from: '2024-01-01', to: '2024-12-31' }, recordKeys: ['uwv:ikv/h1-x'] };
  it('accepts one service of the partner over a real period', () => {
    expect(() => checkSnapshot('uwv', ok)).not.toThrow();
  });
  it.each([
    ['a prefix spanning every service', { ...ok, keyPrefix: 'uwv:' }, /keyPrefix/],
    ["another partner's prefix", { ...ok, keyPrefix: 'gem-utrecht:RIV/' }, /keyPrefix/],
    ['a period that ends before it starts', { ...ok, period: { from: '2025-01-01', to: '2024-01-01' } }, /period/],
    ['a record key of another service', { ...ok, recordKeys: ['uwv:uv/h1-x'] }, /recordKeys/],
  ])('refuses %s', (_name, snapshot, field) => {
    expect(() => checkSnapshot('uwv', snapshot)).toThrow(field);
  });
});
