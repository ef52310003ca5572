import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { privacySchema } from '../../src/config/privacy-schema.js';
import type { Config } from '../../src/config/schema.js';
import type { Logger } from '../../src/logging/logger.js';
import { LogSink } from '../support/log-sink.js';

/** A throw-away Ed25519 key as the environment would hold it. */
export function testSigningEnv(keyId = 'mu-cp-test'): { env: NodeJS.ProcessEnv; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    env: { WERKBRUG_CHECKPOINT_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), WERKBRUG_CHECKPOINT_KEY_ID: keyId },
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface Scratch {
  readonly dir: string;
  cleanup(): void;
}

export function scratch(prefix: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), `wb-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The config sections writeCheckpoint reads, with checkpoints in `dir` and the given extras. */
export function checkpointConfig(dir: string, checkpoints: Record<string, unknown> = {}): Pick<Config, 'region' | 'privacy' | 'store'> {
  return {
    region: { code: 'AM13', name: 'Midden-Utrecht' },
    privacy: privacySchema.parse({ checkpoints: { dir: join(dir, 'checkpoints'), ...checkpoints } }),
    store: { embeddedDir: join(dir, 'store'), schema: 'werkbrug' },
  };
}

export function testLogger(): { logger: Logger; sink: LogSink } {
  const sink = new LogSink();
  return { logger: pino({ level: 'debug' }, sink), sink };
}
