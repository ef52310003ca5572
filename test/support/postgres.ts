import { randomBytes } from 'node:crypto';
import { isWerkbrugError } from '../../src/errors/index.js';
import { createPgliteClient } from '../../src/store/pglite-client.js';
import { createPostgresClient } from '../../src/store/postgres-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { SqlStore } from '../../src/store/sql-store.js';

/**
 * The store engines a store test runs on: PostgreSQL (at WERKBRUG_TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test, trust auth) and PGlite in memory.
 *
 * An unreachable PostgreSQL is not skipped silently: its variant stays in the list with the reason,
 * and every test of it fails with that message, unless WERKBRUG_TEST_NO_POSTGRES=1 leaves it out
 * on purpose. The PGlite variant runs either way.
 */
export const testDatabaseUrl = process.env.WERKBRUG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestEngine {
  readonly name: 'postgres' | 'pglite';
  /** Set when the engine cannot be used: what is missing and how to fix it. */
  readonly unavailable?: string;
}

export interface TestStore {
  readonly store: SqlStore;
  /** The raw client, for tampering and for looking behind the interface. */
  readonly sql: SqlClient;
  readonly schema: string;
  /** Drops and re-creates the schema and migrates it again: a fresh, empty store. */
  reset(): Promise<void>;
  /** Drops the schema (PostgreSQL) and closes. */
  close(): Promise<void>;
}

let probed: Promise<TestEngine> | undefined;

async function probePostgres(): Promise<TestEngine> {
  try {
    const client = await createPostgresClient({ databaseUrl: testDatabaseUrl, schema: 'public', poolSize: 1, connectTimeoutMs: 3000 });
    await client.close();
    return { name: 'postgres' };
  } catch (err) {
    const reason = isWerkbrugError(err) ? err.message : String(err);
    return {
      name: 'postgres',
      unavailable: `PostgreSQL for the store tests is not reachable (${reason}). These tests need PostgreSQL 15 at ${testDatabaseUrl.replace(/:[^:@/]*@/, ':***@')}: `
        + 'that database must exist and its user must be let in without a password from 127.0.0.1 (trust auth in pg_hba.conf). '
        + 'Start it, or point WERKBRUG_TEST_DATABASE_URL at one, or set WERKBRUG_TEST_NO_POSTGRES=1 to run the PGlite variant only.',
    };
  }
}

/** The engines to run store tests on, PostgreSQL probed once per test file. */
export async function testEngines(): Promise<TestEngine[]> {
  const pglite: TestEngine = { name: 'pglite' };
  if (process.env.WERKBRUG_TEST_NO_POSTGRES === '1') return [pglite];
  probed ??= probePostgres();
  return [await probed, pglite];
}

function freshSchemaName(): string {
  return `wb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/**
 * A migrated store of its own: a fresh schema `wb_test_…` on PostgreSQL, a new in-memory database
 * on PGlite. Throws the engine's `unavailable` message when it cannot be used.
 */
export async function openTestStore(engine: TestEngine, options: { migrationsDir?: string; poolSize?: number } = {}): Promise<TestStore> {
  if (engine.unavailable !== undefined) throw new Error(engine.unavailable);
  const schema = engine.name === 'postgres' ? freshSchemaName() : 'werkbrug';
  const sql = engine.name === 'postgres'
    ? await createPostgresClient({ databaseUrl: testDatabaseUrl, schema, poolSize: options.poolSize ?? 6 })
    : await createPgliteClient({ schema, inMemory: true });
  const store = new SqlStore(sql, { migrationsDir: options.migrationsDir });
  await store.migrate();
  return {
    store,
    sql,
    schema,
    async reset() {
      await sql.exec(`DROP SCHEMA ${schema} CASCADE; CREATE SCHEMA ${schema};`);
      await store.migrate();
    },
    async close() {
      try {
        if (engine.name === 'postgres') await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await sql.close();
      }
    },
  };
}
