import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWerkbrugError } from '../../src/errors/index.js';
import { defaultMigrationsDir, loadMigrations } from '../../src/store/migrate.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';

const engines = await testEngines();

const werkbrugTables = [
  'access_log', 'access_log_head', 'alert_state', 'consent_log', 'consent_log_head', 'consent_state', 'cursors', 'erasure_receipts', 'ingested_batches', 'partner_control', 'pending', 'quarantine', 'record_history',
  'record_removals', 'records', 'schema_migrations', 'sync_run_streams', 'sync_runs',
];

describe('loadMigrations', () => {
  it('reads werkbrug\'s migrations in version order with a checksum each', () => {
    const migrations = loadMigrations(defaultMigrationsDir());
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const m of migrations) expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file that is not named NNN-name.sql, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-migrations-'));
    try {
      writeFileSync(join(dir, '1-first.sql'), 'SELECT 1;');
      expect(() => loadMigrations(dir)).toThrow(/1-first\.sql.*expected a migration named NNN-name\.sql/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(engines)('migrations on $name', (engine) => {
  let dir: string;
  let t: TestStore;

  beforeAll(async () => {
    // A copy of the real migrations, so a test may change one without touching the source.
    dir = mkdtempSync(join(tmpdir(), 'wb-migrations-'));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    t = await openTestStore(engine, { migrationsDir: dir });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration once and records version, name and checksum', async () => {
    const rows = await t.sql.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const expected = loadMigrations(dir);
    expect(rows.map((r) => [Number(r.version), r.name, r.checksum])).toEqual(expected.map((m) => [m.version, m.name, m.checksum]));
    expect(await t.store.migrate()).toEqual({ applied: [] });
    expect(await t.sql.query('SELECT version FROM schema_migrations')).toHaveLength(expected.length);
  });

  it('lists every werkbrug table, and dumps each of them as JSON lines', async () => {
    expect(await t.store.listTables()).toEqual(werkbrugTables);
    for (const table of werkbrugTables) {
      for (const line of await t.store.dumpTable(table)) expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    expect(await t.store.dumpTable('consent_log_head')).toHaveLength(1);
  });

  it('refuses to dump a table it does not own', async () => {
    await expect(t.store.dumpTable('pg_class')).rejects.toThrow(/not a werkbrug table/);
  });

  it('applies a new migration file and only that one', async () => {
    writeFileSync(join(dir, '900-extra.sql'), 'CREATE TABLE extra_test (id integer);\n');
    try {
      expect(await t.store.migrate()).toEqual({ applied: ['900-extra.sql'] });
      expect(await t.store.listTables()).toContain('extra_test');
    } finally {
      await t.sql.exec('DROP TABLE extra_test; DELETE FROM schema_migrations WHERE version = 900;');
      unlinkSync(join(dir, '900-extra.sql'));
    }
  });

  it('refuses to start when an applied migration file changed, naming the file', async () => {
    const file = join(dir, '002-consent-state.sql');
    appendFileSync(file, '\n-- an innocent-looking edit\n');
    const error = await t.store.migrate().then(() => undefined, (err: unknown) => err);
    expect(isWerkbrugError(error) && error.code).toBe('WB_STORE_MIGRATION_CHANGED');
    expect(String(error)).toMatch(/002-consent-state\.sql/);
    expect(String(error)).toMatch(/never edit an applied migration/);
  });

  it('refuses to start when an applied migration is missing from the files (an older werkbrug)', async () => {
    cpSync(defaultMigrationsDir(), dir, { recursive: true }); // undo the edit above
    unlinkSync(join(dir, '004-consent-log.sql'));
    try {
      await expect(t.store.migrate()).rejects.toThrow(/004-consent-log\.sql.*missing here/);
    } finally {
      cpSync(defaultMigrationsDir(), dir, { recursive: true });
    }
  });

  it('lets two migrations race without applying anything twice', async () => {
    await t.sql.exec(`DROP SCHEMA ${t.schema} CASCADE; CREATE SCHEMA ${t.schema};`);
    const [a, b] = await Promise.all([t.store.migrate(), t.store.migrate()]);
    expect([...a.applied, ...b.applied].sort()).toEqual(loadMigrations(dir).map((m) => m.file.split('/').pop()).sort());
  });
});
