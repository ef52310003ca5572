import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftHash } from '../../src/trajectory/draft-hash.js';
import type { SqlClient, SqlQueryable } from '../../src/store/sql-client.js';
import { SqlStore } from '../../src/store/sql-store.js';
import type { RecordWrite } from '../../src/store/store.js';
import type { DraftRecord } from '../../src/trajectory/trajectory-record.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { ingest, referral } from './store-fixtures.js';

const engines = await testEngines();

/** Counts statements, so a test can hold a batch to "a handful, never one per record". */
function countingClient(inner: SqlClient): { client: SqlClient; statements: () => number } {
  let statements = 0;
  const counted = (q: SqlQueryable): SqlQueryable => ({
    query: (text, params) => { statements += 1; return q.query(text, params); },
    exec: (script) => { statements += 1; return q.exec(script); },
  });
  const client: SqlClient = { ...inner, ...counted(inner), transaction: (fn) => inner.transaction((tx) => fn(counted(tx))), close: () => inner.close() };
  return { client, statements: () => statements };
}

describe.each(engines)('records on $name', (engine) => {
  let t: TestStore;
  beforeAll(async () => { t = await openTestStore(engine); });
  afterAll(async () => { await t?.close(); });

  const history = async (id: string): Promise<number> =>
    (await t.sql.query('SELECT 1 FROM record_history WHERE record_key = $1', [`ggz-altrecht:ServiceRequest/${id}`])).length;

  describe('rule 1: a record not stored yet', () => {
    it('is inserted with its columns taken from the record', async () => {
      const record = referral({ id: 'r1', version: '1', modifiedAt: '2025-03-01T10:00:00.123456Z' });
      expect(await ingest(t.store, [record])).toEqual({ insert: 1 });
      expect(await t.store.getRecord('ggz-altrecht', 'ggz-altrecht:ServiceRequest/r1')).toEqual(record);
      const [row] = await t.sql.query(`SELECT record_ref, record_kind, person, version, mapping_version, content_hash, purposes, batch_id, run_id
                                         FROM records WHERE record_key = 'ggz-altrecht:ServiceRequest/r1'`);
      expect(row).toEqual({
        record_ref: 'ggz-altrecht:ServiceRequest/r1/_history/1', record_kind: 'referral', person: record.person, version: '1',
        mapping_version: 'm1', content_hash: record.lineage.content_hash, purposes: ['P_MONITOR_REGIO'], batch_id: 'batch-0001', run_id: 'run-test',
      });
    });

    it('hands back the row state with modified_at to the microsecond and the pipeline\'s draft hash', async () => {
      const record = referral({ id: 'r1', version: '1', modifiedAt: '2025-03-01T10:00:00.123456Z' });
      const states = await t.store.transaction((tx) => tx.loadRowStates('ggz-altrecht', ['ggz-altrecht:ServiceRequest/r1', 'ggz-altrecht:ServiceRequest/none']));
      const { format: _f, purposes: _p, lineage: _l, ...draft } = record;
      expect([...states.keys()]).toEqual(['ggz-altrecht:ServiceRequest/r1']);
      expect(states.get('ggz-altrecht:ServiceRequest/r1')).toMatchObject({
        version: '1', mappingVersion: 'm1', modifiedAt: '2025-03-01T10:00:00.123456Z', contentHash: record.lineage.content_hash,
        person: record.person, purposesKey: 'P_MONITOR_REGIO', draftHash: draftHash(draft as DraftRecord),
      });
    });
  });

  describe('rule 2: a replayed batch', () => {
    it('changes nothing but last_seen_at', async () => {
      const batch = [referral({ id: 'r2a', version: '1' }), referral({ id: 'r2b', version: '3' })];
      await ingest(t.store, batch);
      const before = await t.sql.query(`SELECT record, ingested_at, run_id FROM records WHERE record_key LIKE '%/r2_' ORDER BY record_key`);
      expect(await ingest(t.store, batch, 'run-replay')).toEqual({ noop: 2 });
      expect(await t.sql.query(`SELECT record, ingested_at, run_id FROM records WHERE record_key LIKE '%/r2_' ORDER BY record_key`)).toEqual(before);
      expect(await history('r2a') + await history('r2b')).toBe(0);
    });
  });

  describe('rules 3 and 4: ordered by modified_at', () => {
    it('replaces the stored row with a later one and keeps the old one in history', async () => {
      await ingest(t.store, [referral({ id: 'r3', version: '1', modifiedAt: '2025-03-01T10:00:00Z' })]);
      expect(await ingest(t.store, [referral({ id: 'r3', version: '2', modifiedAt: '2025-03-05T10:00:00Z', status: 'started' })])).toEqual({ replace: 1 });
      expect((await t.store.getRecord('ggz-altrecht', 'ggz-altrecht:ServiceRequest/r3'))?.referral?.status).toBe('started');
      const [old] = await t.sql.query(`SELECT version, replaced_by_run FROM record_history WHERE record_key = 'ggz-altrecht:ServiceRequest/r3'`);
      expect(old).toEqual({ version: '1', replaced_by_run: 'run-test' });
    });

    it('never lets an older version overwrite a newer one', async () => {
      await ingest(t.store, [referral({ id: 'r4', version: '5', modifiedAt: '2025-03-05T10:00:00Z', status: 'started' })]);
      expect(await ingest(t.store, [referral({ id: 'r4', version: '4', modifiedAt: '2025-03-04T10:00:00Z' })])).toEqual({ stale: 1 });
      expect((await t.store.getRecord('ggz-altrecht', 'ggz-altrecht:ServiceRequest/r4'))?.source.version).toBe('5');
      expect(await history('r4')).toBe(0);
    });
  });

  describe('rule 5 and the version header rule', () => {
    it('lets the higher integer version win when neither has modified_at', async () => {
      await ingest(t.store, [referral({ id: 'r5', version: '7', modifiedAt: null })]);
      expect(await ingest(t.store, [referral({ id: 'r5', version: '6', modifiedAt: null, status: 'started' })])).toEqual({ stale: 1 });
      expect(await ingest(t.store, [referral({ id: 'r5', version: '10', modifiedAt: null, status: 'started' })])).toEqual({ replace: 1 });
    });

    it('reports a version conflict for the same version with other content, and stores nothing', async () => {
      const stored = referral({ id: 'r6', version: '2' });
      await ingest(t.store, [stored]);
      expect(await ingest(t.store, [referral({ id: 'r6', version: '2', status: 'started' })])).toEqual({ conflict: 1 });
      expect(await t.store.getRecord('ggz-altrecht', 'ggz-altrecht:ServiceRequest/r6')).toEqual(stored);
    });

    it('replaces the same version under another mapping version (a re-mapping)', async () => {
      await ingest(t.store, [referral({ id: 'r7', version: '2' })]);
      expect(await ingest(t.store, [referral({ id: 'r7', version: '2', mappingVersion: 'm2' })])).toEqual({ replace: 1 });
      expect((await t.store.getRecord('ggz-altrecht', 'ggz-altrecht:ServiceRequest/r7'))?.lineage.mapping_version).toBe('m2');
    });
  });

  describe('rule 6: a tombstone', () => {
    it('removes the row and its history and logs the removal with the reference', async () => {
      await ingest(t.store, [referral({ id: 'r8', version: '1', modifiedAt: '2025-03-01T10:00:00Z' })]);
      await ingest(t.store, [referral({ id: 'r8', version: '2', modifiedAt: '2025-03-02T10:00:00Z', status: 'started' })]);
      expect(await ingest(t.store, [referral({ id: 'r8', version: '3', modifiedAt: '2025-03-03T10:00:00Z', deleted: true })], 'run-delete')).toEqual({ remove: 1 });
      expect(await t.store.getRecord('ggz-altrecht', 'ggz-altrecht:ServiceRequest/r8')).toBeUndefined();
      expect(await history('r8')).toBe(0);
      const removals = await t.sql.query(`SELECT record_ref, removed_version, reason, history_rows, run_id, person FROM record_removals WHERE record_key = 'ggz-altrecht:ServiceRequest/r8'`);
      expect(removals).toEqual([{
        record_ref: 'ggz-altrecht:ServiceRequest/r8/_history/3', removed_version: '2', reason: 'source-deleted', history_rows: 1, run_id: 'run-delete', person: referral({ id: 'x', version: '1' }).person,
      }]);
    });

    it('removes and logs nothing when replayed', async () => {
      const tombstone = referral({ id: 'r8', version: '3', modifiedAt: '2025-03-03T10:00:00Z', deleted: true });
      expect(await ingest(t.store, [tombstone])).toEqual({ 'remove-missing': 1 });
      expect(await t.sql.query(`SELECT 1 FROM record_removals WHERE record_key = 'ggz-altrecht:ServiceRequest/r8'`)).toHaveLength(1);
    });

    it('refuses to store a tombstone as a live row', async () => {
      const tombstone = referral({ id: 'r9', version: '1', deleted: true });
      await expect(t.store.transaction((tx) => tx.applyWrites([{ op: 'insert', record: tombstone, runId: 'run-test' }])))
        .rejects.toThrow(/WB_STORE_CONTRACT .*ServiceRequest\/r9.* source\.deleted/);
    });
  });

  describe('a transaction that throws', () => {
    it('leaves records and cursor as they were', async () => {
      await t.store.transaction((tx) => tx.saveCursor('ggz-altrecht', 'referrals', { since: 'A' }, 'run-test'));
      await expect(t.store.transaction(async (tx) => {
        await tx.applyWrites([{ op: 'insert', record: referral({ id: 'r10', version: '1' }), runId: 'run-test' }]);
        await tx.saveCursor('ggz-altrecht', 'referrals', { since: 'B' }, 'run-test');
        throw new Error('crash between store and ack');
      })).rejects.toThrow('crash between store and ack');
      expect(await t.store.getRecord('ggz-altrecht', 'ggz-altrecht:ServiceRequest/r10')).toBeUndefined();
      expect(await t.store.getCursor('ggz-altrecht', 'referrals')).toEqual({ since: 'A' });
    });
  });

  if (engine.name === 'postgres') {
    it('shows a cursor to other connections only after the commit', async () => {
      let seenInside: unknown = 'not read';
      await t.store.transaction(async (tx) => {
        await tx.saveCursor('ggz-altrecht', 'visibility', { page: 2 }, 'run-test');
        seenInside = await t.store.getCursor('ggz-altrecht', 'visibility');
      });
      expect(seenInside).toBeUndefined();
      expect(await t.store.getCursor('ggz-altrecht', 'visibility')).toEqual({ page: 2 });
    });
  } else {
    it('refuses a store call inside a transaction instead of deadlocking on the one connection', async () => {
      await expect(t.store.transaction(() => t.store.getCursor('ggz-altrecht', 'visibility')))
        .rejects.toThrow(/inside store\.transaction\(\); use the transaction object/);
    });
  }

  describe('a 500-record batch', () => {
    it('is written in a handful of statements, never one per record', async () => {
      const { client, statements } = countingClient(t.sql);
      const store = new SqlStore(client);
      const batch = Array.from({ length: 500 }, (_, i) => referral({ id: `bulk-${i}`, version: '1', batchId: 'batch-bulk' }));
      const started = performance.now();
      expect(await ingest(store, batch)).toEqual({ insert: 500 });
      const ms = performance.now() - started;
      // lockStream + loadRowStates + one upsert
      expect(statements()).toBeLessThanOrEqual(4);
      const replaced = batch.map((r) => referral({ id: r.source.record_key.split('/').pop() ?? '', version: '2', modifiedAt: '2025-04-01T00:00:00Z', status: 'started' }));
      const writes: RecordWrite[] = [
        ...replaced.slice(0, 400).map((record): RecordWrite => ({ op: 'replace', record, runId: 'run-bulk' })),
        ...batch.slice(400, 450).map((r): RecordWrite => ({ op: 'touch', partnerId: 'ggz-altrecht', recordKey: r.source.record_key })),
        ...batch.slice(450).map((r): RecordWrite => ({ op: 'remove', partnerId: 'ggz-altrecht', recordKey: r.source.record_key, recordRef: r.source.record_ref, reason: 'entered-in-error', runId: 'run-bulk' })),
      ];
      const before = statements();
      await store.transaction((tx) => tx.applyWrites(writes));
      expect(statements() - before).toBe(3);
      expect(await t.store.countRecords({ partnerId: 'ggz-altrecht', recordKind: 'referral' })).toBeGreaterThanOrEqual(450);
      console.info(`[measure] ${engine.name}: 500-record insert batch in ${ms.toFixed(0)} ms (${Math.round(500 / (ms / 1000))} records/s incl. row-state read)`);
    });
  });
});
