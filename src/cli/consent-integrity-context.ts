import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { resolveVerifyingKey, type VerifyingKey } from '../consent/checkpoint-key.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/**
 * What the log-integrity commands share: where output goes (tests read it), the environment, the
 * clock, and the store and config a region file points at. No pseudonymisation key is needed:
 * the chain, the tree and the signatures are public algorithms over what the store holds.
 */
export interface IntegrityIo {
  readonly env: NodeJS.ProcessEnv;
  readonly write: (text: string) => void;
  readonly now: () => Date;
}

export const processIo = (): IntegrityIo => ({
  env: process.env,
  write: (text) => { process.stdout.write(text); },
  now: () => new Date(),
});

export async function withStore<T>(configFile: string, env: NodeJS.ProcessEnv, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(configFile);
  const store = await openStore({ databaseUrl: env.DATABASE_URL, schema: config.store.schema, pgliteDir: config.store.embeddedDir });
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/** The public key to check signatures with: --public-key, else the configured key's public half, else the demo key's. */
export function verifyingKeyFor(config: Config, publicKeyFile: string | undefined, env: NodeJS.ProcessEnv): VerifyingKey | undefined {
  return resolveVerifyingKey(publicKeyFile, config.privacy.checkpoints, config.store.embeddedDir, env);
}

export type OutputFormat = 'text' | 'json';
export const outputFormats: readonly OutputFormat[] = ['text', 'json'];

/** `--format` as commander's `.choices()` already checked it; text when absent. */
export const outputFormat = (value: string | undefined): OutputFormat => (value === 'json' ? 'json' : 'text');
