import { generateKeyPairSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkpointFileName, checkpointFormat, checkpointSignedBy, parsePublicKey, signCheckpoint, signedBytes, type Checkpoint,
} from '../../src/consent/checkpoint.js';
import { checkpointKeyFromEnvironment, demoCheckpointKeyFile, resolveSigningKey, resolveVerifyingKey } from '../../src/consent/checkpoint-key.js';
import { parseCheckpointText } from '../../src/consent/checkpoint-folder.js';
import { scratch, testSigningEnv, type Scratch } from './checkpoint-support.js';

const settings = { keyEnv: 'WERKBRUG_CHECKPOINT_KEY', keyIdEnv: 'WERKBRUG_CHECKPOINT_KEY_ID' };
const body = {
  format: checkpointFormat, region: 'AM13', treeSize: 12, rootHash: 'a'.repeat(64), chainHead: 'b'.repeat(64), time: '2025-03-02T08:00:00.000Z', keyId: 'mu-cp-test',
} as const;

describe('signCheckpoint and checkpointSignedBy', () => {
  const { env, publicPem } = testSigningEnv();
  const key = checkpointKeyFromEnvironment(settings, env);
  const signed = signCheckpoint(body, key.privateKey);
  const publicKey = parsePublicKey(publicPem);

  it('signs the canonical JSON of everything but the signature, which any Ed25519 verifier accepts', () => {
    expect(signedBytes(signed).toString('utf8')).toBe(
      '{"chainHead":"' + 'b'.repeat(64) + '","format":"werkbrug.checkpoint/1","keyId":"mu-cp-test","region":"AM13","rootHash":"' + 'a'.repeat(64) + '","time":"2025-03-02T08:00:00.000Z","treeSize":12}',
    );
    expect(publicKey).toBeDefined();
    expect(checkpointSignedBy(signed, publicKey!)).toBe(true);
    expect(parseCheckpointText(JSON.stringify(signed), 'c.json')).toEqual(signed);
  });

  it.each([
    ['treeSize', { treeSize: 11 }],
    ['rootHash', { rootHash: 'c'.repeat(64) }],
    ['chainHead', { chainHead: 'c'.repeat(64) }],
    ['time', { time: '2025-03-02T08:00:01.000Z' }],
    ['keyId', { keyId: 'other' }],
    ['region', { region: 'AM14' }],
  ] as const)('fails when %s was changed after signing', (_field, change) => {
    expect(checkpointSignedBy({ ...signed, ...change } as Checkpoint, publicKey!)).toBe(false);
  });

  it('fails against another Ed25519 key, and against a key of another type', () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(checkpointSignedBy(signed, other)).toBe(false);
    expect(parsePublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString())).toBeUndefined();
  });

  it('names files by tree size and time, without characters some file systems refuse', () => {
    expect(checkpointFileName(signed)).toBe('checkpoint-12-20250302T080000.000Z.json');
  });

  it('refuses a checkpoint file with a missing field, naming it', () => {
    const { rootHash: _rootHash, ...rest } = signed;
    expect(() => parseCheckpointText(JSON.stringify(rest), 'c.json')).toThrow(/WB_CONSENT_FILE_INVALID c\.json rootHash/);
    expect(() => parseCheckpointText('{"format":', 'c.json')).toThrow(/not JSON/);
  });
});

describe('the checkpoint key', () => {
  let s: Scratch | undefined;
  afterEach(() => s?.cleanup());

  it('is read from PKCS#8 PEM (also with escaped newlines) or base64 DER', () => {
    const { env } = testSigningEnv();
    const pem = env.WERKBRUG_CHECKPOINT_KEY ?? '';
    const der = checkpointKeyFromEnvironment(settings, env).privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    for (const text of [pem, pem.replace(/\n/g, '\\n'), der]) {
      expect(checkpointKeyFromEnvironment(settings, { ...env, WERKBRUG_CHECKPOINT_KEY: text }).keyId).toBe('mu-cp-test');
    }
  });

  it('is refused when missing, naming the variables, unless the demo asks for its own', () => {
    s = scratch('key');
    expect(() => resolveSigningKey(settings, join(s!.dir, 'store'), {}, false)).toThrow(/WB_CONFIG_SECRET_MISSING WERKBRUG_CHECKPOINT_KEY and WERKBRUG_CHECKPOINT_KEY_ID/);
    const created = resolveSigningKey(settings, join(s.dir, 'store'), {}, true);
    expect(created.note).toMatch(/created a demo checkpoint signing key \(demo-cp-\d{8}\)/);
    const file = demoCheckpointKeyFile(join(s.dir, 'store'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = resolveSigningKey(settings, join(s.dir, 'store'), {}, true);
    expect(again.key.keyId).toBe(created.key.keyId);
    expect(again.note).toMatch(/signed with the demo checkpoint key/);
    expect(resolveVerifyingKey(undefined, settings, join(s.dir, 'store'), {})?.source).toMatch(/the demo key/);
  });

  it('is refused when it is not an Ed25519 key, without quoting it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => checkpointKeyFromEnvironment(settings, { WERKBRUG_CHECKPOINT_KEY: rsa, WERKBRUG_CHECKPOINT_KEY_ID: 'k1' })).toThrow(/WB_CONSENT_CHECKPOINT_KEY_INVALID WERKBRUG_CHECKPOINT_KEY: expected an Ed25519 private key .*got a rsa key/);
    expect(() => checkpointKeyFromEnvironment(settings, { WERKBRUG_CHECKPOINT_KEY: 'secret-not-a-key', WERKBRUG_CHECKPOINT_KEY_ID: 'k1' })).toThrow(/^(?!.*secret-not-a-key).*not a private key/);
    expect(() => checkpointKeyFromEnvironment(settings, { ...testSigningEnv().env, WERKBRUG_CHECKPOINT_KEY_ID: 'Bad Id' })).toThrow(/WERKBRUG_CHECKPOINT_KEY_ID/);
  });
});
