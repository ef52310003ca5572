import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { WerkbrugError } from '../errors/index.js';
import { sha256Hex } from '../stages/canonical-json.js';
import type { SqlClient, SqlQueryable } from './sql-client.js';
import { instantColumn, intColumn, parseRows } from './sql-rows.js';

/** A migration file: `NNN-name.sql` in the migrations folder. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  /** Hex SHA-256 of the file with line endings normalised to `\n` (a Windows checkout is no change). */
  readonly checksum: string;
}

const fileNamePattern = /^([0-9]{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.sql$/;

/**
 * The folder of werkbrug's migrations. Next to this module when run from source; from a build in
 * `dist/`, tsc copies no `.sql`, so the source folder of the same checkout is used.
 */
export function defaultMigrationsDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, 'migrations'), join(here, '..', '..', '..', 'src', 'store', 'migrations')];
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) {
    throw new WerkbrugError('WB_STORE_MIGRATION_CHANGED', { file: candidates[0], expected: 'the folder of werkbrug\'s SQL migrations (src/store/migrations)', got: 'no such folder' });
  }
  return found;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Reads and orders the migrations; a stray or duplicate file name is refused by name. */
export function loadMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const entry of readdirSync(dir).filter((name) => name.endsWith('.sql')).sort()) {
    const file = join(dir, entry);
    const match = fileNamePattern.exec(entry);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new WerkbrugError('WB_STORE_MIGRATION_CHANGED', { file: displayPath(file), expected: 'a migration named NNN-name.sql (three digits, lower-case words)', got: JSON.stringify(entry) });
    }
    const version = Number(match[1]);
    const twin = migrations.find((m) => m.version === version);
    if (twin !== undefined) {
      throw new WerkbrugError('WB_STORE_MIGRATION_CHANGED', { file: displayPath(file), expected: `a version number of its own (${twin.file} has ${match[1]} too)` });
    }
    const sql = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
    migrations.push({ version, name: match[2], file: displayPath(file), sql, checksum: sha256Hex(sql) });
  }
  return migrations;
}

const appliedRow = z.object({ version: intColumn, name: z.string(), checksum: z.string(), applied_at: instantColumn });

// One advisory lock per schema: processes starting together migrate one after the other, and the
// loser finds the work done. Transaction-scoped, so a crash never leaves it held.
const lockStatement = `SELECT pg_advisory_xact_lock(hashtext('werkbrug-migrate:' || current_schema()))`;

const bootstrapStatement = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function readApplied(tx: SqlQueryable): Promise<z.infer<typeof appliedRow>[]> {
  return parseRows(appliedRow, await tx.query('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version'));
}

/**
 * Refuses to run against a database whose applied migrations differ from the files: a changed
 * file (checksum) or a migration the files do not have (a newer werkbrug wrote this database).
 */
function checkApplied(applied: readonly z.infer<typeof appliedRow>[], migrations: readonly Migration[]): void {
  for (const row of applied) {
    const migration = migrations.find((m) => m.version === row.version);
    const name = `${String(row.version).padStart(3, '0')}-${row.name}.sql`;
    if (migration === undefined) {
      throw new WerkbrugError('WB_STORE_MIGRATION_CHANGED', {
        file: name, expected: 'every migration applied to this database among werkbrug\'s migration files', got: `applied on ${row.applied_at} but missing here (is this an older werkbrug?)`,
      });
    }
    if (migration.checksum !== row.checksum) {
      throw new WerkbrugError('WB_STORE_MIGRATION_CHANGED', {
        file: migration.file,
        expected: `the file as it was applied on ${row.applied_at} (sha256 ${row.checksum.slice(0, 12)}…)`,
        got: `a changed file (sha256 ${migration.checksum.slice(0, 12)}…); never edit an applied migration, add a new one`,
      });
    }
  }
}

/**
 * Applies the migrations not yet applied, in order, each in its own transaction together with its
 * row in `schema_migrations` (version, name, checksum). Returns the file names it applied. Throws
 * `WB_STORE_MIGRATION_CHANGED` naming the file when an applied migration changed or is missing.
 */
export async function migrate(client: SqlClient, options: { dir?: string } = {}): Promise<{ applied: string[] }> {
  const migrations = loadMigrations(options.dir ?? defaultMigrationsDir());
  await client.transaction(async (tx) => {
    await tx.query(lockStatement);
    await tx.query(bootstrapStatement);
    checkApplied(await readApplied(tx), migrations);
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await client.transaction(async (tx) => {
      await tx.query(lockStatement);
      if ((await readApplied(tx)).some((row) => row.version === migration.version)) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
      return true;
    });
    if (done) applied.push(basename(migration.file));
  }
  return { applied };
}
