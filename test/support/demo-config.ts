import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.js';

/** A scratch folder for a demo run's embedded store and key, removed by `cleanup()`. */
export function scratchState(name: string): { dir: string; storeDir: string; mutate: (config: Config) => Config; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `werkbrug-${name}-`));
  const storeDir = join(dir, 'store');
  return {
    dir,
    storeDir,
    mutate: (config) => ({
      ...config, store: { ...config.store, embeddedDir: storeDir }, pipeline: { ...config.pipeline, backoffMs: 50 },
      privacy: { ...config.privacy, checkpoints: { ...config.privacy.checkpoints, dir: join(dir, 'checkpoints') } },
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment of a test demo: no DATABASE_URL (embedded store) and no key (the demo makes one). */
export function demoEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, WERKBRUG_PSEUDONYM_KEY: _k, WERKBRUG_PSEUDONYM_KEY_ID: _i, WERKBRUG_PSEUDONYM_PREVIOUS_KEY: _pk, WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID: _pi, ...rest } = process.env;
  return { ...rest, ...extra };
}

/**
 * A demo run syncs four partner sandboxes end to end; on a loaded 2-core machine (CI with other
 * work beside it) one run can take more than vitest's default minute.
 */
export const demoHookTimeoutMs = 240_000;
