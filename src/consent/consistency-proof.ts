import type { KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { z } from 'zod';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { checkpointSchema, checkpointSignedBy, type Checkpoint } from './checkpoint.js';
import type { LogTree } from './log-tree.js';
import { verifyConsistency } from './merkle.js';
import { proofCheck, type ProofCheck, type ProofStep } from './proof-check.js';

/*
 * A consistency proof, format `werkbrug.consistency-proof/1`: two signed checkpoints and the
 * RFC 9162 §2.1.4 proof that the older tree is a prefix of the newer one, so the log only grew
 * between them. Checked offline with the public key (`werkbrug consent consistency --check`).
 */
export const consistencyProofFormat = 'werkbrug.consistency-proof/1';

export const consistencyProofSchema = z.strictObject({
  format: z.literal(consistencyProofFormat),
  older: checkpointSchema,
  newer: checkpointSchema,
  proof: z.array(z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters')),
});

export type ConsistencyProof = z.infer<typeof consistencyProofSchema>;

/** Orders the two by tree size and proves the older a prefix of the newer from `log`. */
export function buildConsistencyProof(log: LogTree, a: Checkpoint, b: Checkpoint): ConsistencyProof {
  const [older, newer] = a.treeSize <= b.treeSize ? [a, b] : [b, a];
  if (newer.treeSize > log.hashes.length) {
    throw new WerkbrugError('WB_CONSENT_LOG_BROKEN', { detail: `the checkpoint of ${newer.time} covers ${newer.treeSize} entries, but the log has ${log.hashes.length}` });
  }
  return { format: consistencyProofFormat, older, newer, proof: log.tree.consistencyProof(older.treeSize, newer.treeSize).map((h) => h.toString('hex')) };
}

export function checkConsistencyProof(proof: ConsistencyProof, publicKey: KeyObject | undefined, names: { older: string; newer: string } = { older: 'the older checkpoint', newer: 'the newer checkpoint' }): ProofCheck {
  const { older, newer } = proof;
  const steps: ProofStep[] = [];
  for (const [label, checkpoint] of [[names.older, older], [names.newer, newer]] as const) {
    if (publicKey === undefined) steps.push({ step: 'signature', ok: false, detail: `no public key to check ${label} with (pass --public-key)` });
    else if (checkpointSignedBy(checkpoint, publicKey)) steps.push({ step: 'signature', ok: true, detail: `${label} (${checkpoint.treeSize} entries, ${checkpoint.time}) was signed by this public key (key id ${checkpoint.keyId})` });
    else steps.push({ step: 'signature', ok: false, detail: `${label} was not signed by this public key (key id ${checkpoint.keyId}), or was changed after signing` });
  }
  const consistent = verifyConsistency(older.treeSize, newer.treeSize, Buffer.from(older.rootHash, 'hex'), Buffer.from(newer.rootHash, 'hex'), proof.proof.map((h) => Buffer.from(h, 'hex')));
  steps.push(consistent
    ? { step: 'consistency', ok: true, detail: `the log of ${older.treeSize} entries is the start of the log of ${newer.treeSize} entries: it only grew` }
    : { step: 'consistency', ok: false, detail: `the log of ${newer.treeSize} entries does not extend the log of ${older.treeSize} entries: it was rewritten between ${older.time} and ${newer.time}` });
  return proofCheck(steps);
}

export const checkpointLabel = (file: string): string => basename(file, '.json');
