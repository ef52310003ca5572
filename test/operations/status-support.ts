import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { openStore } from '../../src/store/open-store.js';
import type { Store, SyncRun } from '../../src/store/store.js';
import type { CommandIo } from '../../src/cli/operations-command-io.js';
import { PipelineHarness, partnerId } from '../support/pipeline-harness.js';
import { openTestStore, testDatabaseUrl, type TestEngine } from '../support/postgres.js';

/**
 * A store with real history for the operations commands: the ggz partner synced through the whole
 * pipeline (edge-cases scenario, so records are quarantined), then once more while the partner
 * answers 401 (a failed run), then once more cleanly. The harness writes into a store of our own
 * — a PostgreSQL schema, or a PGlite folder — which the commands then open from a config file as
 * operations would. The config holds the ggz partner and UWV switched off (`paused: true`).
 */
export interface SeededStore {
  readonly engine: TestEngine['name'];
  readonly dir: string;
  readonly configFile: string;
  /** DATABASE_URL for PostgreSQL; none for PGlite. REDIS_URL and WERKBRUG_REDIS_PREFIX are the test's. */
  env(redis: { url: string; prefix: string }): NodeJS.ProcessEnv;
  /** Store schema for the commands (PostgreSQL; the config file names it too). */
  readonly storeSchema: string | undefined;
  /** Undefined when the store was left empty (`sync: false`). */
  readonly runs: { readonly first: SyncRun; readonly failed: SyncRun; readonly last: SyncRun } | undefined;
  /** Opens the store itself between commands (PGlite allows one opener at a time). */
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const switchedOffPartner = 'uwv';

/** The region config with the store in `dir` (PGlite) or in `schema` (PostgreSQL, with DATABASE_URL). */
function writeConfig(dir: string, schema?: string): string {
  const region = parse(readFileSync('config/midden-utrecht.yaml', 'utf8')) as { store: Record<string, unknown>; partners: { id: string; paused?: boolean }[] };
  region.store = { ...region.store, embeddedDir: join(dir, 'store'), ...(schema !== undefined ? { schema } : {}) };
  region.partners = region.partners.filter((p) => p.id === partnerId || p.id === switchedOffPartner).map((p) => (p.id === switchedOffPartner ? { ...p, paused: true } : p));
  const file = join(dir, 'region.yaml');
  writeFileSync(file, stringify(region));
  return file;
}

async function syncThreeTimes(name: string, store: Store): Promise<NonNullable<SeededStore['runs']>> {
  const harness = await PipelineHarness.start({ name, persons: 40, scenario: 'edge-cases', wrapStore: () => store });
  try {
    const first = await harness.sync();
    await harness.armFault({ match: { path: '/fhir' }, fault: { type: 'http-error', status: 401 }, times: 0 });
    const failed = await harness.sync();
    await harness.clearFaults();
    const last = await harness.sync();
    if (first.status !== 'succeeded' || failed.status !== 'failed' || last.status !== 'succeeded') {
      throw new Error(`seeding expected succeeded, failed, succeeded; got ${first.status}, ${failed.status}, ${last.status}`);
    }
    return { first, failed, last };
  } finally {
    await harness.close();
  }
}

/** `sync: false`: a migrated, empty store (for commands that need no history). */
export async function seededStore(engine: TestEngine, name: string, options: { sync?: boolean } = {}): Promise<SeededStore> {
  const sync = options.sync ?? true;
  const dir = mkdtempSync(join(tmpdir(), `werkbrug-${name}-`));
  if (engine.name === 'postgres') {
    const test = await openTestStore(engine);
    const configFile = writeConfig(dir, test.schema);
    const runs = sync ? await syncThreeTimes(name, test.store) : undefined;
    return {
      engine: engine.name, dir, configFile, runs, storeSchema: test.schema,
      env: (redis) => ({ ...process.env, DATABASE_URL: testDatabaseUrl, REDIS_URL: redis.url, WERKBRUG_REDIS_PREFIX: redis.prefix }),
      withStore: (fn) => fn(test.store),
      async close() {
        await test.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const configFile = writeConfig(dir);
  const storeDir = join(dir, 'store');
  const open = (): Promise<Store> => openStore({ pgliteDir: storeDir, schema: 'werkbrug' });
  const store = await open();
  let runs: SeededStore['runs'];
  try {
    runs = sync ? await syncThreeTimes(name, store) : undefined;
  } finally {
    await store.close();
  }
  const { DATABASE_URL: _db, ...rest } = process.env;
  return {
    engine: engine.name, dir, configFile, runs, storeSchema: undefined,
    env: (redis) => ({ ...rest, REDIS_URL: redis.url, WERKBRUG_REDIS_PREFIX: redis.prefix }),
    async withStore(fn) {
      const opened = await open();
      try {
        return await fn(opened);
      } finally {
        await opened.close();
      }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a command printed and its exit code, called in-process at a fixed instant. */
export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function capture(seeded: SeededStore, now: Date, run: (io: CommandIo) => Promise<number>): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await run({
    write: (text) => { out += text; }, writeError: (text) => { err += text; }, now: () => now,
    ...(seeded.storeSchema !== undefined ? { storeSchema: seeded.storeSchema } : {}),
  });
  return { code, out, err };
}
