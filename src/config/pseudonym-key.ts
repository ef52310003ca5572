import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { keyIdPattern, type PseudonymKey } from '../stages/pseudonymise.js';
import type { Config } from './schema.js';

/**
 * The region's pseudonymisation key. It comes from the environment (`pseudonym.keyEnv`,
 * `pseudonym.keyIdEnv`), never from a config file. Only `werkbrug demo` may create one: it keeps
 * it in a file beside the embedded store, readable by the owner only, so a second demo run links
 * to the first.
 */
export function parseKeyText(text: string, variable: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) {
    throw new WerkbrugError('WB_KEY_INVALID', { field: variable, expected: '32 bytes as 64 hex characters or base64', got: `${bytes.length} bytes` });
  }
  return bytes;
}

export function keyFromEnvironment(config: Pick<Config, 'pseudonym'>, env: NodeJS.ProcessEnv): PseudonymKey {
  const { keyEnv, keyIdEnv } = config.pseudonym;
  const keyText = env[keyEnv];
  const keyId = env[keyIdEnv];
  const missing = [keyText ? undefined : keyEnv, keyId ? undefined : keyIdEnv].filter((v): v is string => v !== undefined);
  if (missing.length > 0) {
    throw new WerkbrugError('WB_CONFIG_SECRET_MISSING', {
      field: missing.join(' and '),
      expected: `environment variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} (the region's pseudonymisation key and its id; only \`werkbrug demo\` creates a key of its own)`,
    });
  }
  if (!keyIdPattern.test(keyId ?? '')) {
    throw new WerkbrugError('WB_KEY_INVALID', { field: keyIdEnv, expected: '1–32 lower-case letters, digits and "-", not starting or ending with "-"', got: JSON.stringify(keyId) });
  }
  return { keyId: keyId ?? '', key: parseKeyText(keyText ?? '', keyEnv) };
}

const keyFileSchema = z.strictObject({ keyId: z.string().regex(keyIdPattern), key: z.string().regex(/^[0-9a-f]{64}$/) });

/** Reads the demo key file, or creates one (mode 0600). */
export function demoKey(file: string): { key: PseudonymKey; created: boolean } {
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(file, 0o600);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Node's JSON.parse quotes its input, which here is the key: never let that reach a message.
      raw = undefined;
    }
    const parsed = keyFileSchema.safeParse(raw);
    if (!parsed.success) throw new WerkbrugError('WB_KEY_INVALID', { file, expected: 'a demo key file {"keyId", "key": 64 hex}; delete it to start afresh' });
    return { key: { keyId: parsed.data.keyId, key: Buffer.from(parsed.data.key, 'hex') }, created: false };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  const keyId = `demo-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  writeFileSync(file, `${JSON.stringify({ keyId, key: key.toString('hex') })}\n`, { mode: 0o600 });
  return { key: { keyId, key }, created: true };
}

/**
 * The previous key during a key rotation window (`pseudonym.previousKeyEnv`,
 * `pseudonym.previousKeyIdEnv`): undefined when neither variable is set (no window). Half a pair,
 * a malformed key or the current key's id fails at start-up, naming the variable.
 */
export function previousKeyFromEnvironment(config: Pick<Config, 'pseudonym'>, env: NodeJS.ProcessEnv, current: Pick<PseudonymKey, 'keyId'>): PseudonymKey | undefined {
  const { previousKeyEnv, previousKeyIdEnv } = config.pseudonym;
  const keyText = env[previousKeyEnv];
  const keyId = env[previousKeyIdEnv];
  if (keyText === undefined && keyId === undefined) return undefined;
  if (!keyText || !keyId) {
    const missing = keyText ? previousKeyIdEnv : previousKeyEnv;
    throw new WerkbrugError('WB_CONFIG_SECRET_MISSING', {
      field: missing,
      expected: `environment variable ${missing} as well: during a key rotation both ${previousKeyEnv} and ${previousKeyIdEnv} are set, outside one neither`,
    });
  }
  if (!keyIdPattern.test(keyId)) {
    throw new WerkbrugError('WB_KEY_INVALID', { field: previousKeyIdEnv, expected: '1–32 lower-case letters, digits and "-", not starting or ending with "-"', got: JSON.stringify(keyId) });
  }
  if (keyId === current.keyId) {
    throw new WerkbrugError('WB_KEY_INVALID', { field: previousKeyIdEnv, expected: 'the id of the key being rotated away from, which differs from the current key id (a new key gets a new id)', got: JSON.stringify(keyId) });
  }
  return { keyId, key: parseKeyText(keyText, previousKeyEnv) };
}
