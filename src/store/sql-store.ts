import { z } from 'zod';
import type { Cursor } from '../connector/connector.js';
import type { ConsentDocument } from '../consent/consent-document.js';
import type { TrajectoryRecord } from '../trajectory/trajectory-record.js';
import { appendAccessLog, readAccessLog, verifyAccessLog } from './access-log-store.js';
import { linkedPseudonyms, readPersonData } from './access-request-store.js';
import { queryConsentLog } from './consent-log-query-store.js';
import { appendConsentLog, readConsentLog, verifyConsentLog } from './consent-log-store.js';
import { consentLogAboutRecord, consentLogEntryByHash, findRecordByRef, readConsentLogHashes } from './consent-proof-store.js';
import type { VerifiableEntry } from '../consent/consent-log-chain.js';
import { listErasureReceipts, loadCarriedPurposes, loadRetentionDue, removePurpose, saveErasureReceipts } from './erasure-store.js';
import { loadConsentDocuments, markConsentDeleted, markConsentUnreadable, saveConsentDocuments } from './consent-state-store.js';
import { migrate } from './migrate.js';
import type { OperationsStore } from './operations-records.js';
import { SqlOperationsStore } from './operations-store.js';
import { countPending, deletePending, loadPendingByPerson, loadPendingOlderThan, savePending } from './pending-store.js';
import { insertQuarantine, listQuarantine } from './quarantine-store.js';
import { applyWrites, countRecords, getRecord, loadRowStates } from './record-writes.js';
import { addRunCounts, createRun, finishRun, getCursor, getRun, listRuns, saveCursor } from './run-store.js';
import type { SqlClient, SqlQueryable } from './sql-client.js';
import { parseRows } from './sql-rows.js';
import { loadPersonRows, personsByPartnerCount, personWindows } from './person-rows.js';
import { personsByKeyId, relinkPersons } from './key-rotation-store.js';
import type { ErasureReceipt, ListedErasureReceipt, PurposeRemoval } from './store.js';
import type {
  AccessLogContent, AccessLogEntry, AccessLogFilter, ChainVerification, ConsentLogContent, ConsentLogQuery, PersonData, ConsentLogEntry, NewQuarantineItem, NewSyncRun, PendingItem, QuarantineItem,
  KeyIdCount, PersonRelink, PersonRow, PersonWindow, RecordWrite, RelinkCounts, RunCounts, RunOutcome, Store, StoreTx, StoredRowState, SyncRun,
} from './store.js';

/** `StoreTx` over one open transaction. Valid only inside the `transaction()` callback. */
export class SqlStoreTx implements StoreTx {
  constructor(private readonly q: SqlQueryable) {}

  async lockStream(partnerId: string, stream: string): Promise<void> {
    // Advisory locks are database-wide; the schema in the key keeps test schemas (and two
    // werkbrug installations in one database) from waiting on each other.
    await this.q.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || $1::text), hashtext($2::text))`, [partnerId, stream]);
  }

  async claimBatch(batch: { batchId: string; runId: string; partnerId: string; stream: string }): Promise<boolean> {
    const rows = await this.q.query(
      `INSERT INTO ingested_batches (batch_id, run_id, partner_id, stream) VALUES ($1, $2, $3, $4)
         ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id`,
      [batch.batchId, batch.runId, batch.partnerId, batch.stream],
    );
    return rows.length === 1;
  }

  loadRowStates(partnerId: string, recordKeys: readonly string[]): Promise<ReadonlyMap<string, StoredRowState>> {
    return loadRowStates(this.q, partnerId, recordKeys);
  }

  applyWrites(writes: readonly RecordWrite[]): Promise<void> {
    return applyWrites(this.q, writes);
  }

  loadConsentDocuments(persons: readonly string[]): Promise<ReadonlyMap<string, readonly ConsentDocument[]>> {
    return loadConsentDocuments(this.q, persons);
  }

  saveConsentDocuments(documents: readonly ConsentDocument[]): Promise<void> {
    return saveConsentDocuments(this.q, documents);
  }

  markConsentDeleted(consentKeys: readonly string[], at: string, deletedAt?: readonly (string | null)[]): Promise<readonly string[]> {
    return markConsentDeleted(this.q, consentKeys, at, deletedAt);
  }

  markConsentUnreadable(consentKeys: readonly string[]): Promise<readonly string[]> {
    return markConsentUnreadable(this.q, consentKeys);
  }

  appendConsentLog(entries: readonly ConsentLogContent[]): Promise<readonly ConsentLogEntry[]> {
    return appendConsentLog(this.q, entries);
  }

  insertQuarantine(items: readonly NewQuarantineItem[]): Promise<void> {
    return insertQuarantine(this.q, items);
  }

  savePending(items: readonly PendingItem[]): Promise<void> {
    return savePending(this.q, items);
  }

  loadPendingByPerson(persons: readonly string[]): Promise<readonly PendingItem[]> {
    return loadPendingByPerson(this.q, persons);
  }

  loadPendingOlderThan(before: string, limit: number): Promise<readonly PendingItem[]> {
    return loadPendingOlderThan(this.q, before, limit);
  }

  deletePending(keys: readonly { partnerId: string; recordKey: string }[]): Promise<void> {
    return deletePending(this.q, keys);
  }

  saveCursor(partnerId: string, stream: string, cursor: Cursor, runId: string): Promise<void> {
    return saveCursor(this.q, partnerId, stream, cursor, runId);
  }

  addRunCounts(runId: string, stream: string, counts: Partial<RunCounts>, personCounts?: Readonly<Record<string, number>>, cursorTo?: Cursor): Promise<void> {
    return addRunCounts(this.q, runId, stream, counts, personCounts, cursorTo);
  }

  loadPersonRows(partnerId: string, person: string, keyPrefix: string): Promise<readonly PersonRow[]> {
    return loadPersonRows(this.q, partnerId, person, keyPrefix);
  }

  loadCarriedPurposes(persons: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>> {
    return loadCarriedPurposes(this.q, persons);
  }

  removePurpose(person: string, purpose: string, options: { readonly includeConsentRecords: boolean }): Promise<PurposeRemoval> {
    return removePurpose(this.q, person, purpose, options);
  }

  saveErasureReceipts(receipts: readonly ErasureReceipt[]): Promise<void> {
    return saveErasureReceipts(this.q, receipts);
  }

  loadRetentionDue(purpose: string, cutoff: string, limit: number): Promise<readonly string[]> {
    return loadRetentionDue(this.q, purpose, cutoff, limit);
  }

  relinkPersons(pairs: readonly PersonRelink[]): Promise<ReadonlyMap<string, RelinkCounts>> {
    return relinkPersons(this.q, pairs);
  }
}

const tableRow = z.object({ table_name: z.string() });
const lineRow = z.object({ line: z.string() });

/**
 * The store over a `SqlClient`: the same code and SQL for PostgreSQL and PGlite. Stateless apart
 * from the client, so any number may share one database.
 */
export class SqlStore implements Store {
  readonly operations: OperationsStore;

  constructor(
    private readonly client: SqlClient,
    private readonly options: { readonly migrationsDir?: string } = {},
  ) {
    this.operations = new SqlOperationsStore(client);
  }

  get engine(): 'postgres' | 'pglite' {
    return this.client.engine;
  }

  migrate(): Promise<{ applied: readonly string[] }> {
    return migrate(this.client, { dir: this.options.migrationsDir });
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.client.transaction((q) => fn(new SqlStoreTx(q)));
  }

  getCursor(partnerId: string, stream: string): Promise<Cursor | undefined> {
    return getCursor(this.client, partnerId, stream);
  }

  createRun(run: NewSyncRun): Promise<void> {
    return createRun(this.client, run);
  }

  finishRun(runId: string, outcome: RunOutcome): Promise<void> {
    return finishRun(this.client, runId, outcome);
  }

  getRun(runId: string): Promise<SyncRun | undefined> {
    return getRun(this.client, runId);
  }

  listRuns(filter: { partnerId?: string; failedOnly?: boolean; limit?: number }): Promise<readonly SyncRun[]> {
    return listRuns(this.client, filter);
  }

  personWindows(persons: readonly string[]): Promise<ReadonlyMap<string, PersonWindow>> {
    return personWindows(this.client, persons);
  }

  personsByPartnerCount(): Promise<ReadonlyMap<number, number>> {
    return personsByPartnerCount(this.client);
  }

  personsByKeyId(): Promise<readonly KeyIdCount[]> {
    return personsByKeyId(this.client);
  }

  countRecords(filter?: { partnerId?: string; recordKind?: string }): Promise<number> {
    return countRecords(this.client, filter);
  }

  listQuarantine(filter: { partnerId?: string; runId?: string; reason?: string; open?: boolean; limit?: number }): Promise<readonly QuarantineItem[]> {
    return listQuarantine(this.client, filter);
  }

  countPending(filter?: { partnerId?: string }): Promise<number> {
    return countPending(this.client, filter);
  }

  getRecord(partnerId: string, recordKey: string): Promise<TrajectoryRecord | undefined> {
    return getRecord(this.client, partnerId, recordKey);
  }

  verifyConsentLog(): Promise<ChainVerification> {
    // One snapshot for the head and every entry: appends committed meanwhile are not half-seen.
    return this.client.transaction(async (q) => {
      await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return verifyConsentLog(q);
    });
  }

  readConsentLog(range: { fromSeq?: number; limit?: number }): Promise<readonly ConsentLogEntry[]> {
    return readConsentLog(this.client, range);
  }

  readConsentLogHashes(range: { fromSeq?: number; limit?: number }): Promise<readonly { seq: number; hash: string }[]> {
    return readConsentLogHashes(this.client, range);
  }

  consentLogEntryByHash(hash: string): Promise<VerifiableEntry | undefined> {
    return consentLogEntryByHash(this.client, hash);
  }

  consentLogAboutRecord(recordKey: string, person: string | null): Promise<readonly VerifiableEntry[]> {
    return consentLogAboutRecord(this.client, recordKey, person);
  }

  findRecordByRef(ref: string): Promise<TrajectoryRecord | undefined> {
    return findRecordByRef(this.client, ref);
  }

  listErasureReceipts(filter: { from?: string; to?: string; limit?: number }): Promise<readonly ListedErasureReceipt[]> {
    return listErasureReceipts(this.client, filter);
  }

  appendAccessLog(content: AccessLogContent): Promise<AccessLogEntry> {
    return this.client.transaction((q) => appendAccessLog(q, content));
  }

  readAccessLog(filter: AccessLogFilter): Promise<readonly AccessLogEntry[]> {
    return readAccessLog(this.client, filter);
  }

  verifyAccessLog(): Promise<ChainVerification> {
    return this.client.transaction(async (q) => {
      await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return verifyAccessLog(q);
    });
  }

  queryConsentLog(query: ConsentLogQuery): Promise<readonly ConsentLogEntry[]> {
    return queryConsentLog(this.client, query);
  }

  linkedPseudonyms(persons: readonly string[]): Promise<readonly string[]> {
    return linkedPseudonyms(this.client, persons);
  }

  readPersonData(persons: readonly string[]): Promise<PersonData> {
    return this.client.transaction(async (q) => {
      await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return readPersonData(q, persons);
    });
  }

  async listTables(): Promise<readonly string[]> {
    const rows = parseRows(tableRow, await this.client.query(
      `SELECT table_name::text AS table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    ));
    return rows.map((row) => row.table_name);
  }

  async dumpTable(table: string): Promise<readonly string[]> {
    // The name is spliced into SQL, so only a table listTables() returned is accepted.
    if (!(await this.listTables()).includes(table)) throw new Error(`dumpTable: ${JSON.stringify(table)} is not a werkbrug table`);
    const rows = parseRows(lineRow, await this.client.query(`SELECT row_to_json(t)::text AS line FROM "${table}" t`));
    return rows.map((row) => row.line);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
