import type { Store, StoreTx } from '../../src/store/store.js';

/**
 * Stores whose chosen transactions crash just before the cursor is saved: after the batch's
 * writes, inside the transaction, so a test can prove the whole page rolls back and is pulled
 * again (brief, invariant 5).
 */
/**
 * A fault injector for our own store (not a mock: every call goes to the real store). The
 * transactions numbered in `failOn` (1-based, counting every `transaction()` call) throw from
 * inside, at `saveCursor` — after the batch was claimed and its records, consent-log entries,
 * pending rows and quarantine were written in it — so the database must roll all of that back, as
 * after a crash mid-batch.
 */
export interface InjectedCrash {
  readonly transaction: number;
  /** The StoreTx methods the transaction had called before it crashed, in order. */
  readonly callsBefore: readonly string[];
}

export interface TransactionFaults {
  readonly store: Store;
  readonly begun: () => number;
  readonly crashes: () => readonly InjectedCrash[];
}

export function failingTransactions(store: Store, failOn: ReadonlySet<number>): TransactionFaults {
  let begun = 0;
  const crashes: InjectedCrash[] = [];
  const wrapped: Store = {
    engine: store.engine,
    operations: store.operations,
    migrate: () => store.migrate(),
    transaction: <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
      begun += 1;
      const number = begun;
      if (!failOn.has(number)) return store.transaction(fn);
      return store.transaction((tx) => fn(crashingAtCursor(tx, (callsBefore) => crashes.push({ transaction: number, callsBefore }))));
    },
    getCursor: (p, s) => store.getCursor(p, s),
    createRun: (run) => store.createRun(run),
    finishRun: (runId, outcome) => store.finishRun(runId, outcome),
    getRun: (runId) => store.getRun(runId),
    listRuns: (filter) => store.listRuns(filter),
    countRecords: (filter) => store.countRecords(filter),
    listQuarantine: (filter) => store.listQuarantine(filter),
    countPending: (filter) => store.countPending(filter),
    getRecord: (p, k) => store.getRecord(p, k),
    personWindows: (persons) => store.personWindows(persons),
    personsByPartnerCount: () => store.personsByPartnerCount(),
    personsByKeyId: () => store.personsByKeyId(),
    verifyConsentLog: () => store.verifyConsentLog(),
    readConsentLog: (range) => store.readConsentLog(range),
    readConsentLogHashes: (range) => store.readConsentLogHashes(range),
    consentLogEntryByHash: (hash) => store.consentLogEntryByHash(hash),
    consentLogAboutRecord: (key, person) => store.consentLogAboutRecord(key, person),
    findRecordByRef: (ref) => store.findRecordByRef(ref),
    listErasureReceipts: (filter) => store.listErasureReceipts(filter),
    appendAccessLog: (content) => store.appendAccessLog(content),
    readAccessLog: (filter) => store.readAccessLog(filter),
    verifyAccessLog: () => store.verifyAccessLog(),
    queryConsentLog: (query) => store.queryConsentLog(query),
    linkedPseudonyms: (persons) => store.linkedPseudonyms(persons),
    readPersonData: (persons) => store.readPersonData(persons),
    listTables: () => store.listTables(),
    dumpTable: (table) => store.dumpTable(table),
    close: () => store.close(),
  };
  return { store: wrapped, begun: () => begun, crashes: () => [...crashes] };
}

function crashingAtCursor(tx: StoreTx, onCrash: (callsBefore: readonly string[]) => void): StoreTx {
  const calls: string[] = [];
  const noted = <T>(name: string, call: () => Promise<T>): Promise<T> => {
    calls.push(name);
    return call();
  };
  return {
    lockStream: (p, s) => noted('lockStream', () => tx.lockStream(p, s)),
    claimBatch: (b) => noted('claimBatch', () => tx.claimBatch(b)),
    loadRowStates: (p, k) => noted('loadRowStates', () => tx.loadRowStates(p, k)),
    applyWrites: (w) => noted('applyWrites', () => tx.applyWrites(w)),
    loadConsentDocuments: (p) => noted('loadConsentDocuments', () => tx.loadConsentDocuments(p)),
    saveConsentDocuments: (d) => noted('saveConsentDocuments', () => tx.saveConsentDocuments(d)),
    markConsentDeleted: (k, at, d) => noted('markConsentDeleted', () => tx.markConsentDeleted(k, at, d)),
    markConsentUnreadable: (k) => noted('markConsentUnreadable', () => tx.markConsentUnreadable(k)),
    appendConsentLog: (e) => noted('appendConsentLog', () => tx.appendConsentLog(e)),
    insertQuarantine: (i) => noted('insertQuarantine', () => tx.insertQuarantine(i)),
    savePending: (i) => noted('savePending', () => tx.savePending(i)),
    loadPendingByPerson: (p) => noted('loadPendingByPerson', () => tx.loadPendingByPerson(p)),
    loadPendingOlderThan: (b, l) => noted('loadPendingOlderThan', () => tx.loadPendingOlderThan(b, l)),
    deletePending: (k) => noted('deletePending', () => tx.deletePending(k)),
    saveCursor: async () => {
      onCrash([...calls]);
      throw new Error('injected crash after the batch was written, before its cursor');
    },
    addRunCounts: (r, s, c, pc) => noted('addRunCounts', () => tx.addRunCounts(r, s, c, pc)),
    loadPersonRows: (p, person, prefix) => noted('loadPersonRows', () => tx.loadPersonRows(p, person, prefix)),
    loadCarriedPurposes: (persons) => noted('loadCarriedPurposes', () => tx.loadCarriedPurposes(persons)),
    removePurpose: (person, purpose, options) => noted('removePurpose', () => tx.removePurpose(person, purpose, options)),
    saveErasureReceipts: (receipts) => noted('saveErasureReceipts', () => tx.saveErasureReceipts(receipts)),
    loadRetentionDue: (purpose, cutoff, limit) => noted('loadRetentionDue', () => tx.loadRetentionDue(purpose, cutoff, limit)),
    relinkPersons: (pairs) => noted('relinkPersons', () => tx.relinkPersons(pairs)),
  };
}
