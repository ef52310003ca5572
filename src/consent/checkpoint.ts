import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../stages/canonical-json.js';

/*
 * A signed checkpoint of the consent log, format `werkbrug.checkpoint/1`: the Merkle root
 * (`merkle.ts`) and the `cl1` chain head of the first `treeSize` entries, at a time, signed with
 * the region's Ed25519 checkpoint key. Checkpoints live outside the store and are copied to every
 * partner's privacy officer, so a log rewritten afterwards no longer matches a checkpoint someone
 * else kept, even when its hash chain is consistent again.
 *
 *   signed bytes = UTF-8 of canonicalJson(the checkpoint without `signature`)
 *   signature    = base64 of the 64-byte Ed25519 signature over those bytes
 *
 * Hashes are lower-case hex like the chain's; `time` is UTC with a `Z`. The exact format, for an
 * independent verifier: `docs/privacy/log-verification.md`.
 */

export const checkpointFormat = 'werkbrug.checkpoint/1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters');

export const checkpointSchema = z.strictObject({
  format: z.literal(checkpointFormat),
  region: z.string().min(1),
  treeSize: z.number().int().min(0),
  rootHash: hex64,
  chainHead: hex64,
  time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'a UTC time (…Z)'),
  keyId: z.string().min(1).max(64),
  /**
   * The NEN 7513 access log's chain at signing time (entries and head hash), so the access log is
   * protected like the consent log: a rewritten or truncated access log no longer matches.
   * Absent in checkpoints written before it was added.
   */
  accessLog: z.strictObject({ size: z.number().int().min(0), head: hex64 }).optional(),
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 Ed25519 signature (64 bytes)'),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;
export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

/** The bytes a checkpoint's signature covers. */
export function signedBytes(checkpoint: UnsignedCheckpoint | Checkpoint): Buffer {
  const { signature: _signature, ...body } = checkpoint as Checkpoint;
  return Buffer.from(canonicalJson(body), 'utf8');
}

/** Signs `body` with an Ed25519 private key. */
export function signCheckpoint(body: UnsignedCheckpoint, privateKey: KeyObject): Checkpoint {
  const unsigned: UnsignedCheckpoint = {
    format: body.format, region: body.region, treeSize: body.treeSize, rootHash: body.rootHash,
    chainHead: body.chainHead, time: body.time, keyId: body.keyId,
    ...(body.accessLog !== undefined ? { accessLog: { size: body.accessLog.size, head: body.accessLog.head } } : {}),
  };
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), privateKey).toString('base64') };
}

/** True when `checkpoint` was signed by the private half of `publicKey` and not changed since. */
export function checkpointSignedBy(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedBytes(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    // A key of another type (RSA, EC) cannot have signed it.
    return false;
  }
}

/**
 * Reads a public key from PEM (SPKI or a PKCS#8 private key, whose public half is taken).
 * Returns undefined for anything else, so the caller can name the file.
 */
export function parsePublicKey(text: string): KeyObject | undefined {
  try {
    const key = createPublicKey(text);
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The public key as PEM, to hand to partners. */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** SHA-256 of the public key's DER: short enough to read out over the phone when handing a key over. */
export function publicKeyFingerprint(key: KeyObject): string {
  return `sha256:${createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** `checkpoint-<treeSize>-<time>.json`, the time without `-` and `:` so the name is valid on every file system. */
export function checkpointFileName(checkpoint: Pick<Checkpoint, 'treeSize' | 'time'>): string {
  return `checkpoint-${checkpoint.treeSize}-${checkpoint.time.replace(/[-:]/g, '')}.json`;
}
