import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { latestCheckpoint, readCheckpointFile, readCheckpointFolder } from '../consent/checkpoint-folder.js';
import { buildConsistencyProof, checkConsistencyProof, checkpointLabel, consistencyProofSchema } from '../consent/consistency-proof.js';
import { buildInclusionProof, checkInclusionProof, inclusionProofSchema, type InclusionProof } from '../consent/inclusion-proof.js';
import { readLogTree } from '../consent/log-tree.js';
import { readProofFile, type ProofCheck } from '../consent/proof-check.js';
import { parsePublicKey } from '../consent/checkpoint.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { recordAccess } from '../privacy/access-log.js';
import type { Store } from '../store/store.js';
import type { Config } from '../config/schema.js';
import type { AccessActor } from './access-options.js';
import { processIo, verifyingKeyFor, withStore, type IntegrityIo } from './consent-integrity-context.js';

/**
 * `werkbrug consent prove <record-ref>`: the self-contained proof that the consent decision that
 * let a record in is in the log a signed checkpoint vouches for; `--check <proof.json>` verifies
 * one offline. `werkbrug consent consistency <older> <newer>`: the proof that the log only grew
 * between two checkpoints; `--check` verifies a saved one offline. Formats:
 * `docs/privacy/log-verification.md`.
 */

/** "  ok    entry: …" per step, then the verdict. */
export function describeCheck(check: ProofCheck, what: string): string {
  const lines = check.steps.map((s) => `  ${s.ok ? 'ok  ' : 'FAIL'}  ${s.step}: ${s.detail}\n`);
  return `${lines.join('')}${what} ${check.ok ? 'verified' : 'FAILED'}\n`;
}

function publicKeyFrom(file: string | undefined): ReturnType<typeof parsePublicKey> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file, expected: 'a readable public key file (PEM)' });
  }
  const key = parsePublicKey(text);
  if (key === undefined) throw new WerkbrugError('WB_CONSENT_CHECKPOINT_KEY_INVALID', { file, expected: 'an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)' });
  return key;
}

/**
 * The inclusion proof of the decision behind `ref` (a record_ref or partner:record_key) against
 * the latest checkpoint in `privacy.checkpoints.dir`. Throws WB_CONSENT_PROOF_UNAVAILABLE naming
 * what is missing.
 */
export async function proveRecord(store: Store, config: Config, ref: string): Promise<{ proof: InclusionProof; person: string | null }> {
  const record = await store.findRecordByRef(ref);
  if (record === undefined) throw new WerkbrugError('WB_CONSENT_PROOF_UNAVAILABLE', { field: 'record-ref', detail: `no stored record has reference ${ref} (as record_ref or partner:record_key)` });
  const decision = record.lineage.consent_decision;
  if (decision === undefined) throw new WerkbrugError('WB_CONSENT_PROOF_UNAVAILABLE', { detail: `record ${record.source.record_ref} has no consent decision in its lineage (a deletion needs none)` });
  const entry = await store.consentLogEntryByHash(decision.slice('cl1:'.length));
  if (entry === undefined) throw new WerkbrugError('WB_CONSENT_LOG_BROKEN', { detail: `record ${record.source.record_ref} names consent decision ${decision}, which is not in the consent log` });
  const latest = latestCheckpoint(await readCheckpointFolder(config.privacy.checkpoints.dir));
  if (latest === undefined) throw new WerkbrugError('WB_CONSENT_PROOF_UNAVAILABLE', { detail: `no checkpoint in ${config.privacy.checkpoints.dir} yet` });
  const log = await readLogTree(store, latest.checkpoint.treeSize);
  return { proof: buildInclusionProof(log, entry, latest.checkpoint, record.source.record_ref), person: record.person ?? null };
}

export interface ConsentProveOptions {
  readonly config: string;
  readonly out?: string;
  readonly check?: string;
  readonly publicKey?: string;
}

export async function consentProveCommand(ref: string | undefined, options: ConsentProveOptions, actor: AccessActor, io: IntegrityIo = processIo()): Promise<number> {
  if (options.check !== undefined) {
    const proof = await readProofFile(options.check, inclusionProofSchema, 'inclusion proof');
    const check = checkInclusionProof(proof, publicKeyFrom(options.publicKey));
    io.write(describeCheck(check, `inclusion proof of log entry #${proof.entry.seq}${proof.recordRef === null ? '' : ` (record ${proof.recordRef})`}`));
    return check.ok ? 0 : 1;
  }
  if (ref === undefined) throw new WerkbrugError('WB_CONSENT_PROOF_UNAVAILABLE', { field: 'record-ref', expected: 'a record reference, or --check <proof.json>' });
  return withStore(options.config, io.env, async (store, config) => {
    const { proof, person } = await proveRecord(store, config, ref);
    await recordAccess(store, { event: 'consent-prove', person, ...actor, detail: { recordRef: proof.recordRef ?? ref, seq: proof.entry.seq } }, io.now());
    const text = `${JSON.stringify(proof, null, 2)}\n`;
    if (options.out === undefined) {
      io.write(text);
      return 0;
    }
    await writeFile(options.out, text);
    const key = verifyingKeyFor(config, options.publicKey, io.env);
    io.write(`proof of log entry #${proof.entry.seq} against the checkpoint of ${proof.checkpoint.time} (${proof.treeSize} entries) written to ${options.out}\n`);
    io.write(describeCheck(checkInclusionProof(proof, key?.publicKey), 'checked here:'));
    return 0;
  });
}

export interface ConsentConsistencyOptions {
  readonly config: string;
  readonly out?: string;
  readonly check?: string;
  readonly publicKey?: string;
}

export async function consentConsistencyCommand(files: readonly string[], options: ConsentConsistencyOptions, io: IntegrityIo = processIo()): Promise<number> {
  if (options.check !== undefined) {
    const proof = await readProofFile(options.check, consistencyProofSchema, 'consistency proof');
    const check = checkConsistencyProof(proof, publicKeyFrom(options.publicKey));
    io.write(describeCheck(check, `consistency proof ${proof.older.treeSize} → ${proof.newer.treeSize} entries`));
    return check.ok ? 0 : 1;
  }
  const [olderFile, newerFile] = files;
  if (olderFile === undefined || newerFile === undefined || files.length !== 2) {
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { field: 'checkpoints', expected: 'two checkpoint files (older, newer), or --check <proof.json>' });
  }
  const [older, newer] = [await readCheckpointFile(olderFile), await readCheckpointFile(newerFile)];
  return withStore(options.config, io.env, async (store, config) => {
    const proof = buildConsistencyProof(await readLogTree(store, Math.max(older.treeSize, newer.treeSize)), older, newer);
    const key = verifyingKeyFor(config, options.publicKey, io.env);
    const swapped = proof.older !== older;
    const names = { older: checkpointLabel(swapped ? newerFile : olderFile), newer: checkpointLabel(swapped ? olderFile : newerFile) };
    const check = checkConsistencyProof(proof, key?.publicKey, names);
    io.write(describeCheck(check, `consistency ${names.older} → ${names.newer}`));
    if (options.out !== undefined) {
      await writeFile(options.out, `${JSON.stringify(proof, null, 2)}\n`);
      io.write(`proof (${proof.proof.length} hashes) written to ${options.out}\n`);
    }
    return check.ok ? 0 : 1;
  });
}
