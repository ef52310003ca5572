import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { checkpointSchema, checkpointSignedBy, type Checkpoint } from './checkpoint.js';
import { entryHash, type VerifiableEntry } from './consent-log-chain.js';
import type { LogTree } from './log-tree.js';
import { verifyInclusion } from './merkle.js';
import { proofCheck, type ProofCheck, type ProofStep } from './proof-check.js';

/*
 * An inclusion proof, format `werkbrug.inclusion-proof/1`: one consent-log entry, the audit path
 * from its leaf to the Merkle root, and the signed checkpoint that holds that root. Self-contained:
 * with the region's public key, anyone can check it offline, without the store and without
 * trusting the operator (`werkbrug consent prove --check`, or the script in
 * `docs/privacy/log-verification.md`):
 *
 *   1. entry.hash = SHA-256(entry.prevHash + "\n" + canonicalJson(entry.content + {"seq": entry.seq}))  (cl1)
 *   2. leafIndex = entry.seq − 1 and treeSize = checkpoint.treeSize
 *   3. the audit path leads from SHA-256(0x00 ‖ bytes of entry.hash) to checkpoint.rootHash (RFC 9162 §2.1.3.2)
 *   4. checkpoint.signature is valid for the public key
 */
export const inclusionProofFormat = 'werkbrug.inclusion-proof/1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters');

export const inclusionProofSchema = z.strictObject({
  format: z.literal(inclusionProofFormat),
  recordRef: z.string().nullable(),
  entry: z.strictObject({ seq: z.number().int().min(1), prevHash: hex64, hash: hex64, content: z.record(z.string(), z.unknown()) }),
  leafIndex: z.number().int().min(0),
  treeSize: z.number().int().min(1),
  auditPath: z.array(hex64),
  checkpoint: checkpointSchema,
});

export type InclusionProof = z.infer<typeof inclusionProofSchema>;

/** The proof of `entry` against `checkpoint`; the log must still match the checkpoint. */
export function buildInclusionProof(log: LogTree, entry: VerifiableEntry, checkpoint: Checkpoint, recordRef: string | null): InclusionProof {
  if (entry.seq > checkpoint.treeSize) {
    throw new WerkbrugError('WB_CONSENT_PROOF_UNAVAILABLE', { detail: `log entry #${entry.seq} is newer than the latest checkpoint (${checkpoint.treeSize} entries, ${checkpoint.time})` });
  }
  if (checkpoint.treeSize > log.hashes.length || log.tree.root(checkpoint.treeSize).toString('hex') !== checkpoint.rootHash) {
    throw new WerkbrugError('WB_CONSENT_LOG_BROKEN', { detail: `the log no longer matches the checkpoint of ${checkpoint.time} over ${checkpoint.treeSize} entries; run werkbrug consent verify` });
  }
  const content = typeof entry.content === 'object' && entry.content !== null && !Array.isArray(entry.content) ? entry.content as Record<string, unknown> : {};
  return {
    format: inclusionProofFormat,
    recordRef,
    entry: { seq: entry.seq, prevHash: entry.prevHash, hash: entry.hash, content },
    leafIndex: entry.seq - 1,
    treeSize: checkpoint.treeSize,
    auditPath: log.tree.inclusionProof(entry.seq - 1, checkpoint.treeSize).map((h) => h.toString('hex')),
    checkpoint,
  };
}

/** Checks `proof` offline. Without a public key the signature step fails: an unsigned root proves nothing. */
export function checkInclusionProof(proof: InclusionProof, publicKey: KeyObject | undefined): ProofCheck {
  const { entry, checkpoint } = proof;
  const steps: ProofStep[] = [];
  // The record the proof is about must be the record the entry decided: otherwise a genuine
  // proof for one record could be shown as the consent of another. A `seq` inside the content
  // would be overwritten by the real one when hashing, and could show a misleading number.
  const content = entry.content as { recordRef?: unknown; seq?: unknown } | null;
  const aboutRecord = typeof content === 'object' && content !== null && !('seq' in content) && (proof.recordRef === null || content.recordRef === proof.recordRef);
  steps.push(aboutRecord
    ? { step: 'record', ok: true, detail: `entry #${entry.seq} is the decision about ${proof.recordRef}` }
    : { step: 'record', ok: false, detail: `entry #${entry.seq} is not the decision about ${proof.recordRef} (its content names another record, or carries its own seq)` });
  const recomputed = entryHash(entry.prevHash, entry.seq, entry.content);
  steps.push(recomputed === entry.hash
    ? { step: 'entry', ok: true, detail: `entry #${entry.seq} matches its hash cl1:${entry.hash}` }
    : { step: 'entry', ok: false, detail: `entry #${entry.seq} does not match its hash: its content, seq or prev-hash was changed` });
  const placed = proof.leafIndex === entry.seq - 1 && proof.treeSize === checkpoint.treeSize;
  steps.push(placed
    ? { step: 'place', ok: true, detail: `leaf ${proof.leafIndex} of a tree of ${proof.treeSize} entries` }
    : { step: 'place', ok: false, detail: `leafIndex ${proof.leafIndex} / treeSize ${proof.treeSize} do not fit entry #${entry.seq} and the checkpoint's ${checkpoint.treeSize} entries` });
  const included = verifyInclusion(Buffer.from(entry.hash, 'hex'), proof.leafIndex, proof.treeSize, proof.auditPath.map((h) => Buffer.from(h, 'hex')), Buffer.from(checkpoint.rootHash, 'hex'));
  steps.push(included
    ? { step: 'path', ok: true, detail: `the audit path (${proof.auditPath.length} hashes) leads to the checkpoint's root ${checkpoint.rootHash}` }
    : { step: 'path', ok: false, detail: 'the audit path does not lead to the checkpoint\'s root: the entry is not in the log the checkpoint signed' });
  if (publicKey === undefined) {
    steps.push({ step: 'signature', ok: false, detail: 'no public key to check the checkpoint\'s signature with (pass --public-key)' });
  } else {
    steps.push(checkpointSignedBy(checkpoint, publicKey)
      ? { step: 'signature', ok: true, detail: `the checkpoint of ${checkpoint.time} (region ${checkpoint.region}) was signed by this public key (key id ${checkpoint.keyId})` }
      : { step: 'signature', ok: false, detail: `the checkpoint was not signed by this public key (key id ${checkpoint.keyId}), or was changed after signing` });
  }
  return proofCheck(steps);
}
