import { createPgliteClient, defaultPgliteDir } from './pglite-client.js';
import { createPostgresClient } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** PostgreSQL connection string (from DATABASE_URL). Set and not empty: the store is PostgreSQL. */
  readonly databaseUrl?: string;
  /** Schema werkbrug owns, created if missing. Default `werkbrug`. */
  readonly schema?: string;
  /** Folder of the embedded store when there is no databaseUrl. Default `.werkbrug/store`. */
  readonly pgliteDir?: string;
  /**
   * An embedded store in memory, gone on close (tests, dry runs). Explicit, so it wins over
   * `databaseUrl` and `pgliteDir`. Default false.
   */
  readonly inMemory?: boolean;
  /** Folder of the migrations. Default: werkbrug's own (`src/store/migrations`). */
  readonly migrationsDir?: string;
}

export const defaultSchema = 'werkbrug';

/**
 * Opens the store: PostgreSQL when `databaseUrl` is set, else the embedded PGlite store in
 * `pgliteDir` (or in memory), and applies pending migrations before returning. Throws
 * `WB_STORE_UNREACHABLE` when the database cannot be reached or opened, and `WB_CONFIG_INVALID`
 * naming the file when an applied migration was changed.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const schema = options.schema ?? defaultSchema;
  const usePostgres = options.inMemory !== true && options.databaseUrl !== undefined && options.databaseUrl !== '';
  const client: SqlClient = usePostgres && options.databaseUrl !== undefined
    ? await createPostgresClient({ databaseUrl: options.databaseUrl, schema })
    : await createPgliteClient({ schema, inMemory: options.inMemory === true, dataDir: options.pgliteDir ?? defaultPgliteDir });
  const store = new SqlStore(client, { migrationsDir: options.migrationsDir });
  try {
    await store.migrate();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return store;
}
