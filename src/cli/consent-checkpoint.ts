import { createLogger } from '../logging/logger.js';
import { publicKeyFingerprint, publicKeyPem } from '../consent/checkpoint.js';
import { writeCheckpoint } from '../consent/checkpoint-writer.js';
import { loadConfig } from '../config/load.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { processIo, verifyingKeyFor, withStore, type IntegrityIo } from './consent-integrity-context.js';

/**
 * `werkbrug consent checkpoint`: signs and writes a checkpoint now, whatever `everyEntries` says
 * (the core writes one after every sync). `werkbrug consent public-key`: the key to hand to every
 * partner's privacy officer, with its fingerprint to confirm over the phone.
 */
export interface ConsentCheckpointOptions {
  readonly config: string;
  /** Use (or create) the demo key when the environment has none. */
  readonly demo?: boolean;
}

export async function consentCheckpointCommand(options: ConsentCheckpointOptions, io: IntegrityIo = processIo()): Promise<number> {
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  return withStore(options.config, io.env, async (store, config) => {
    const result = await writeCheckpoint({ store, config, env: io.env, now: io.now(), logger, demo: options.demo ?? false, force: true });
    if (!result.written) return 0;
    const failed = result.deliveries.filter((d) => !d.ok);
    io.write(`checkpoint written: ${result.checkpoint.treeSize} entries, root ${result.checkpoint.rootHash}, key id ${result.checkpoint.keyId}\n  ${result.file}\n`);
    if (result.keyNote !== undefined) io.write(`  note: ${result.keyNote}\n`);
    for (const d of result.deliveries) io.write(`  ${d.ok ? 'delivered' : 'NOT delivered'} to ${d.partner} (${d.via} ${d.target}${d.ok ? '' : `: ${d.error ?? 'failed'} after ${d.attempts} attempt(s)`})\n`);
    return failed.length === 0 ? 0 : 1;
  });
}

export interface ConsentPublicKeyOptions {
  readonly config: string;
  readonly format?: string;
}

export function consentPublicKeyCommand(options: ConsentPublicKeyOptions, io: IntegrityIo = processIo()): number {
  const config = loadConfig(options.config);
  const settings = config.privacy.checkpoints;
  const key = verifyingKeyFor(config, undefined, io.env);
  if (key === undefined) {
    throw new WerkbrugError('WB_CONFIG_SECRET_MISSING', { field: `${settings.keyEnv} and ${settings.keyIdEnv}`, expected: 'the checkpoint signing key in the environment (or a demo key made by `werkbrug consent checkpoint --demo`)' });
  }
  const keyId = key.keyId ?? 'unknown';
  const pem = publicKeyPem(key.publicKey);
  if (options.format === 'json') {
    io.write(`${JSON.stringify({ keyId, fingerprint: publicKeyFingerprint(key.publicKey), publicKey: pem, source: key.source }, null, 2)}\n`);
  } else {
    io.write(`# werkbrug checkpoint public key, key id ${keyId}\n# fingerprint ${publicKeyFingerprint(key.publicKey)}\n${pem}`);
  }
  return 0;
}
