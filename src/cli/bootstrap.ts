import { join, dirname } from 'node:path';
import type { DestinationStream } from 'pino';
import { ConfigError, loadConfig } from '../config/load.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { demoKey, keyFromEnvironment, previousKeyFromEnvironment } from '../config/pseudonym-key.js';
import { loadReferenceTables } from '../config/reference.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { Runtime } from '../pipeline/runtime.js';
import { Pseudonymiser, type PseudonymKey } from '../stages/pseudonymise.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/**
 * Start-up shared by every command: config (all problems at once), key, logger, store. Bad input
 * fails here, at start-up, with the file and field named — not at 3 a.m. in a worker.
 */
export interface BootstrapOptions {
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** Only `werkbrug demo`: create a key beside the embedded store when the environment has none. */
  readonly allowDemoKey?: boolean;
  readonly logDestination?: DestinationStream;
  readonly logLevel?: string;
  /** Overrides for tests and the demo. */
  readonly mutateConfig?: (config: Config) => Config;
  readonly schema?: string;
  readonly inMemoryStore?: boolean;
  /** Check at start-up that every active partner's token is in the environment (not the demo: it makes its own). */
  readonly requirePartnerTokens?: boolean;
}

export interface Bootstrapped {
  readonly runtime: Runtime;
  readonly keyNote: string | undefined;
  close(): Promise<void>;
}

export function stateDir(config: Pick<Config, 'store'>): string {
  return dirname(config.store.embeddedDir);
}

export function resolveKey(config: Config, env: NodeJS.ProcessEnv, allowDemoKey: boolean): { key: PseudonymKey; note?: string } {
  const hasEnvKey = env[config.pseudonym.keyEnv] !== undefined || env[config.pseudonym.keyIdEnv] !== undefined;
  if (hasEnvKey || !allowDemoKey) return { key: keyFromEnvironment(config, env) };
  const file = join(stateDir(config), 'pseudonym-key.json');
  const { key, created } = demoKey(file);
  return {
    key,
    note: created
      ? `created a demo pseudonymisation key (${key.keyId}) in ${file}, readable by you only; later demo runs reuse it so records link`
      : `using the demo pseudonymisation key (${key.keyId}) from ${file}`,
  };
}

/** The store a config points at (DATABASE_URL, else the embedded folder), for commands that need no key. */
export async function openConfiguredStore(configFile: string, env: NodeJS.ProcessEnv): Promise<Store> {
  const config = loadConfig(configFile);
  return openStore({ databaseUrl: env.DATABASE_URL, schema: config.store.schema, pgliteDir: config.store.embeddedDir });
}

export async function bootstrap(options: BootstrapOptions): Promise<Bootstrapped> {
  const loaded = loadConfig(options.configFile);
  const config = Object.freeze(options.mutateConfig ? options.mutateConfig(structuredClone(loaded) as Config) : loaded);
  const { key, note } = resolveKey(config, options.env, options.allowDemoKey ?? false);
  // During a key rotation window the previous key is loaded too, so the edge can pair pseudonyms.
  const previousKey = previousKeyFromEnvironment(config, options.env, key);
  if (options.requirePartnerTokens) {
    const missing = config.partners.filter((p) => !p.paused).flatMap((p) => {
      const tokenEnv = p.settings.tokenEnv;
      return typeof tokenEnv === 'string' && !options.env[tokenEnv] ? [new WerkbrugError('WB_CONFIG_SECRET_MISSING', { file: options.configFile, partner: p.id, field: tokenEnv, expected: `environment variable ${tokenEnv} with the partner's API token` })] : [];
    });
    if (missing.length > 0) throw new ConfigError(options.configFile, missing);
  }
  const logger: Logger = createLogger({ level: options.logLevel, destination: options.logDestination });
  const store: Store = await openStore({
    databaseUrl: options.env.DATABASE_URL,
    schema: options.schema ?? config.store.schema,
    pgliteDir: config.store.embeddedDir,
    inMemory: options.inMemoryStore ?? false,
  });
  const runtime: Runtime = {
    config, store, logger, env: options.env,
    pseudonymiser: new Pseudonymiser(key, previousKey),
    reference: loadReferenceTables(),
    now: () => new Date(),
  };
  return {
    runtime,
    keyNote: note,
    async close() {
      await store.close();
      logger.flush();
    },
  };
}
