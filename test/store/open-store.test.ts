import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWerkbrugError } from '../../src/errors/index.js';
import { openStore } from '../../src/store/open-store.js';
import { createPostgresClient } from '../../src/store/postgres-client.js';
import { testDatabaseUrl, testEngines } from '../support/postgres.js';

const engines = await testEngines();
const postgres = engines.find((e) => e.name === 'postgres');

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (err: unknown) => err);
}

describe('openStore', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wb-open-store-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('opens an embedded store in memory, migrated', async () => {
    const store = await openStore({ inMemory: true, databaseUrl: 'postgres://ignored@127.0.0.1:1/none' });
    try {
      expect(store.engine).toBe('pglite');
      expect(await store.listTables()).toContain('consent_log');
    } finally {
      await store.close();
    }
  });

  it('keeps an embedded store in its folder across opens and migrates it only once', async () => {
    const folder = join(dir, 'nested', 'store');
    const first = await openStore({ pgliteDir: folder });
    await first.createRun({ runId: 'run-keep', partnerId: 'ggz-altrecht', trigger: 'test', startedAt: '2025-03-02T08:00:00.000Z' });
    await first.close();
    const second = await openStore({ pgliteDir: folder });
    try {
      expect(await second.migrate()).toEqual({ applied: [] });
      expect(await second.getRun('run-keep')).toMatchObject({ partnerId: 'ggz-altrecht' });
    } finally {
      await second.close();
    }
  });

  it('refuses a folder another running process holds, naming it, and takes over a stale lock', async () => {
    const folder = join(dir, 'locked');
    mkdirSync(folder, { recursive: true });
    // The test runner's parent process is alive and is not us: a live owner.
    writeFileSync(`${folder}.lock`, `${process.ppid}\n`);
    await expect(openStore({ pgliteDir: folder })).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));
    // No process has this id: the lock is stale and the store opens.
    writeFileSync(`${folder}.lock`, '2147483646\n');
    const store = await openStore({ pgliteDir: folder });
    expect(readFileSync(`${folder}.lock`, 'utf8').trim()).toBe(String(process.pid));
    // The same process cannot open the folder twice either.
    await expect(openStore({ pgliteDir: folder })).rejects.toThrow(/in use by this process/);
    await store.close();
    expect(existsSync(`${folder}.lock`)).toBe(false);
    // A lock whose content is not a pid is held by someone, not stale.
    writeFileSync(`${folder}.lock`, 'not-a-pid\n');
    await expect(openStore({ pgliteDir: folder })).rejects.toThrow(/in use by an unknown owner/);
  });

  it('loses no committed batch when the process writing the embedded store is killed', async () => {
    const folder = join(dir, 'crash');
    const writer = fileURLToPath(new URL('./pglite-crash-writer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', writer, folder], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ out, code, signal }).toEqual({ out: 'committed\n', code: null, signal: 'SIGKILL' });
    const store = await openStore({ pgliteDir: folder });
    try {
      expect(await store.countRecords({ partnerId: 'ggz-altrecht' })).toBe(50);
      expect(await store.getCursor('ggz-altrecht', 'referrals')).toEqual({ page: 1 });
    } finally {
      await store.close();
    }
  });

  it('refuses a DATABASE_URL that is not a postgres URL without echoing it', async () => {
    const error = await failure(openStore({ databaseUrl: 'mysql://root:hunter2@db/x' }));
    expect(isWerkbrugError(error) && error.code).toBe('WB_CONFIG_INVALID');
    expect(String(error)).toMatch(/DATABASE_URL: expected postgres:\/\//);
    expect(String(error)).not.toMatch(/hunter2/);
  });

  it('names host, port, database and user of an unreachable PostgreSQL, never the password', async () => {
    const error = await failure(openStore({ databaseUrl: 'postgres://werkbrug:hunter2@127.0.0.1:1/regio' }));
    expect(isWerkbrugError(error) && error.code).toBe('WB_STORE_UNREACHABLE');
    expect(String(error)).toMatch(/WB_STORE_UNREACHABLE DATABASE_URL: PostgreSQL at 127\.0\.0\.1:1\/regio as user werkbrug: connection refused/);
    expect(String(error)).not.toMatch(/hunter2/);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openStore({ inMemory: true, schema: 'x; DROP TABLE y' })).rejects.toThrow(/WB_CONFIG_INVALID store\.schema/);
  });

  if (postgres !== undefined) {
    it('opens PostgreSQL in its own schema, created if missing', async () => {
      if (postgres.unavailable !== undefined) throw new Error(postgres.unavailable);
      const schema = `wb_test_open_${process.pid}`;
      const store = await openStore({ databaseUrl: testDatabaseUrl, schema });
      try {
        expect(store.engine).toBe('postgres');
        expect(await store.listTables()).toContain('records');
      } finally {
        await store.close();
        const admin = await createPostgresClient({ databaseUrl: testDatabaseUrl, schema: 'public', poolSize: 1 });
        await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.close();
      }
    });
  }
});
