import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { CheckpointSettings } from '../config/checkpoint-settings.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { parsePublicKey } from './checkpoint.js';

/**
 * The Ed25519 key that signs checkpoints. Like the pseudonymisation key it comes from the
 * environment (`privacy.checkpoints.keyEnv`, `keyIdEnv`), never from a config file; only the demo
 * may create one, in `checkpoint-key.json` beside the embedded store, readable by the owner only.
 * A demo key proves nothing to a partner (the operator made it and holds it): it is there so the
 * demo shows the whole flow without configuration.
 */
export interface CheckpointSigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface ResolvedSigningKey {
  readonly key: CheckpointSigningKey;
  /** Set when the demo key was used or created, to tell the user. */
  readonly note?: string;
}

// Like a pseudonym key id, with room for a suffix such as "-cp".
export const checkpointKeyIdPattern = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

type KeySettings = Pick<CheckpointSettings, 'keyEnv' | 'keyIdEnv'>;

/** The demo key file: beside the embedded store, like the demo pseudonymisation key. */
export function demoCheckpointKeyFile(embeddedDir: string): string {
  return join(dirname(embeddedDir), 'checkpoint-key.json');
}

function parsePrivateKey(text: string, variable: string): KeyObject {
  // A PEM in an environment variable often arrives with its newlines written as "\n".
  const trimmed = text.trim().replace(/\\n/g, '\n');
  let key: KeyObject | undefined;
  try {
    key = trimmed.startsWith('-----BEGIN')
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    // The parser's message may quote the key; name only the variable.
    key = undefined;
  }
  if (key?.asymmetricKeyType !== 'ed25519') {
    throw new WerkbrugError('WB_CONSENT_CHECKPOINT_KEY_INVALID', { field: variable, expected: 'an Ed25519 private key as PKCS#8 PEM or base64 DER', got: key === undefined ? 'text that is not a private key' : `a ${key.asymmetricKeyType ?? 'unknown'} key` });
  }
  return key;
}

function checkKeyId(keyId: string, where: string): string {
  if (!checkpointKeyIdPattern.test(keyId)) {
    throw new WerkbrugError('WB_CONSENT_CHECKPOINT_KEY_INVALID', { field: where, expected: '1–64 lower-case letters, digits and "-", not starting or ending with "-"', got: JSON.stringify(keyId) });
  }
  return keyId;
}

/** True when the environment names a checkpoint key (or half of one: then reading it says what is missing). */
export function hasEnvironmentKey(settings: KeySettings, env: NodeJS.ProcessEnv): boolean {
  return env[settings.keyEnv] !== undefined || env[settings.keyIdEnv] !== undefined;
}

/** The signing key from the environment; throws naming the missing variable(s). */
export function checkpointKeyFromEnvironment(settings: KeySettings, env: NodeJS.ProcessEnv): CheckpointSigningKey {
  const keyText = env[settings.keyEnv];
  const keyId = env[settings.keyIdEnv];
  const missing = [keyText ? undefined : settings.keyEnv, keyId ? undefined : settings.keyIdEnv].filter((v): v is string => v !== undefined);
  if (missing.length > 0) {
    throw new WerkbrugError('WB_CONFIG_SECRET_MISSING', {
      field: missing.join(' and '),
      expected: `environment variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} (the Ed25519 key that signs consent-log checkpoints, and its id; only the demo creates a key of its own)`,
    });
  }
  const privateKey = parsePrivateKey(keyText ?? '', settings.keyEnv);
  return { keyId: checkKeyId(keyId ?? '', settings.keyIdEnv), privateKey, publicKey: createPublicKey(privateKey) };
}

const keyFileSchema = z.strictObject({ keyId: z.string().regex(checkpointKeyIdPattern), privateKey: z.string().startsWith('-----BEGIN PRIVATE KEY-----') });

/** Reads the demo key file, or creates one (mode 0600) when `create` is set. */
export function demoCheckpointKey(file: string, create: boolean): { key: CheckpointSigningKey; created: boolean } | undefined {
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Node's JSON.parse quotes its input, which here holds the key.
      raw = undefined;
    }
    const parsed = keyFileSchema.safeParse(raw);
    if (!parsed.success) throw new WerkbrugError('WB_CONSENT_CHECKPOINT_KEY_INVALID', { file, expected: 'a demo checkpoint key file {"keyId", "privateKey": PEM}; delete it to start afresh' });
    const privateKey = parsePrivateKey(parsed.data.privateKey, file);
    return { key: { keyId: parsed.data.keyId, privateKey, publicKey: createPublicKey(privateKey) }, created: false };
  }
  if (!create) return undefined;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = `demo-cp-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(file, `${JSON.stringify({ keyId, privateKey: pem })}\n`, { mode: 0o600 });
  return { key: { keyId, privateKey, publicKey }, created: true };
}

/**
 * The key to sign with: the environment's; without one and with `demo`, the demo key (created
 * when missing). Anything else refuses, naming the variable.
 */
export function resolveSigningKey(settings: KeySettings, embeddedDir: string, env: NodeJS.ProcessEnv, demo: boolean): ResolvedSigningKey {
  if (hasEnvironmentKey(settings, env) || !demo) return { key: checkpointKeyFromEnvironment(settings, env) };
  const file = demoCheckpointKeyFile(embeddedDir);
  const demoKey = demoCheckpointKey(file, true);
  if (demoKey === undefined) throw new Error(`unreachable: the demo checkpoint key ${file} was neither read nor created`);
  return {
    key: demoKey.key,
    note: demoKey.created
      ? `created a demo checkpoint signing key (${demoKey.key.keyId}) in ${file}, readable by you only; it convinces no partner, set ${settings.keyEnv} for real use`
      : `signed with the demo checkpoint key (${demoKey.key.keyId}) from ${file}`,
  };
}

export interface VerifyingKey {
  readonly publicKey: KeyObject;
  /** Where it came from, for the report: a file, the environment, the demo key. */
  readonly source: string;
  /** The signing key's id, when known (not for a public key file). */
  readonly keyId?: string;
}

/**
 * The public key to verify with: the file given, else the public half of the configured key,
 * else the demo key's if the demo made one. Undefined when there is none.
 */
export function resolveVerifyingKey(publicKeyFile: string | undefined, settings: KeySettings, embeddedDir: string, env: NodeJS.ProcessEnv): VerifyingKey | undefined {
  if (publicKeyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(publicKeyFile, 'utf8');
    } catch {
      throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file: publicKeyFile, expected: 'a readable public key file (PEM)' });
    }
    const publicKey = parsePublicKey(text);
    if (publicKey === undefined) throw new WerkbrugError('WB_CONSENT_CHECKPOINT_KEY_INVALID', { file: publicKeyFile, expected: 'an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)' });
    return { publicKey, source: publicKeyFile };
  }
  if (hasEnvironmentKey(settings, env)) {
    const key = checkpointKeyFromEnvironment(settings, env);
    return { publicKey: key.publicKey, source: `the public half of ${settings.keyEnv}`, keyId: key.keyId };
  }
  const file = demoCheckpointKeyFile(embeddedDir);
  const demoKey = demoCheckpointKey(file, false);
  return demoKey === undefined ? undefined : { publicKey: demoKey.key.publicKey, source: `the demo key in ${file}`, keyId: demoKey.key.keyId };
}
