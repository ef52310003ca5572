import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { WerkbrugError } from '../errors/index.js';
import { lockFolder, type FolderLock } from './folder-lock.js';
import { schemaNamePattern, type SqlClient, type SqlQueryable, type SqlRow } from './sql-client.js';

export interface PgliteClientOptions {
  /** Folder of the database, created if missing. Ignored when `inMemory`. Default `.werkbrug/store`. */
  readonly dataDir?: string;
  /** A throw-away database in memory (tests). Default false. */
  readonly inMemory?: boolean;
  /** Schema werkbrug owns inside the database; created if missing. */
  readonly schema: string;
}

export const defaultPgliteDir = '.werkbrug/store';

/**
 * Embedded PostgreSQL (PGlite) behind the same `SqlClient` as the server.
 *
 * PGlite is ONE connection in this process. A query issued while another caller's transaction is
 * open would land inside that transaction, so every query and transaction goes through one
 * in-process queue: a transaction holds the connection from BEGIN to COMMIT and everything else
 * waits its turn. Work that must scale out across processes belongs on PostgreSQL.
 *
 * Durability (what the embedded store promises after a crash): PGlite runs PostgreSQL with fsync
 * off and its file system never calls fsync, but every commit has been written to the files in
 * the folder before the call returns. A crash or kill of the werkbrug process therefore loses no
 * committed batch (`test/store/open-store.test.ts` kills a writer with SIGKILL); a power
 * loss or operating-system crash may lose the last commits or damage the folder. Production
 * belongs on PostgreSQL; the embedded store serves the demo, development and small trials.
 * Two processes must never open the same folder at once: a lock file next to it (`folder-lock.ts`)
 * refuses the second.
 */
export async function createPgliteClient(options: PgliteClientOptions): Promise<SqlClient> {
  if (!schemaNamePattern.test(options.schema)) {
    throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'store.schema', expected: 'a lower-case identifier (a-z, 0-9, _)', got: JSON.stringify(options.schema) });
  }
  const inMemory = options.inMemory === true;
  const folder = inMemory ? undefined : resolve(options.dataDir ?? defaultPgliteDir);
  const location = folder ?? 'memory';
  let db: PGlite;
  let lock: FolderLock | undefined;
  if (folder !== undefined) {
    mkdirSync(folder, { recursive: true });
    lock = lockFolder(folder);
  }
  try {
    db = folder !== undefined ? await PGlite.create({ dataDir: folder }) : await PGlite.create();
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${options.schema}; SET search_path TO ${options.schema};`);
  } catch (err) {
    lock?.release();
    throw new WerkbrugError('WB_STORE_UNREACHABLE', {
      field: 'store.embeddedDir',
      detail: `the embedded store in ${location} could not be opened (is another werkbrug process using it, or was it written by another PGlite version?)`,
    }, { cause: err });
  }

  // The tail of the queue: each operation starts when the previous one has settled.
  let tail: Promise<unknown> = Promise.resolve();
  const inTransaction = new AsyncLocalStorage<true>();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    if (inTransaction.getStore() === true) {
      // Waiting here would wait for our own transaction to end: a deadlock. Fail loudly instead.
      return Promise.reject(new Error('store: a query on the store was issued inside store.transaction(); use the transaction object'));
    }
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  const onTx = (tx: Transaction): SqlQueryable => ({
    query: async (text, params) => (await tx.query<SqlRow>(text, params as unknown[] | undefined)).rows,
    exec: async (script) => { await tx.exec(script); },
  });

  return {
    engine: 'pglite',
    schema: options.schema,
    location,
    query: (text, params) => enqueue(async () => (await db.query<SqlRow>(text, params as unknown[] | undefined)).rows),
    exec: (script) => enqueue(async () => { await db.exec(script); }),
    transaction: <T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> =>
      enqueue(() => db.transaction((tx) => inTransaction.run(true, () => fn(onTx(tx))))),
    close: () => enqueue(async () => {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    }),
  };
}
