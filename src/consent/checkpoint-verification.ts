import { basename } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { checkpointSignedBy } from './checkpoint.js';
import type { CheckpointFile, UnreadableCheckpoint } from './checkpoint-folder.js';
import { chainHeadAt, type LogTree } from './log-tree.js';
import { verifyConsistency } from './merkle.js';

/**
 * Checks signed checkpoints against the log as the store holds it now. The hash chain alone
 * finds an edited entry, but not a log rewritten from some entry on and re-chained, nor a tail
 * cut off together with the head row: an operator with owner rights can do both. A checkpoint
 * signed before that, and kept where the operator cannot reach it, no longer matches:
 *
 *   - `signature`: the checkpoint was not signed by the given public key (or was changed since);
 *   - `beyond-log`: it covers more entries than the log has (entries cut off the end);
 *   - `root-mismatch`: the Merkle root of the first treeSize entries differs (an entry it covered
 *     was changed, removed or inserted, even with the chain made consistent again);
 *   - `chain-head-mismatch`: the entry at treeSize has another `cl1` hash than the checkpoint says;
 *   - `inconsistent`: it matches the log but does not extend the checkpoint before it (RFC 9162
 *     consistency proof from the log between the two): the log was rewritten after the older
 *     one was signed, and signed again since.
 */
export type CheckpointProblem = 'signature' | 'beyond-log' | 'root-mismatch' | 'chain-head-mismatch' | 'inconsistent' | 'unreadable' | 'access-log-mismatch';

export interface CheckpointFinding {
  readonly problem: CheckpointProblem;
  readonly detail: string;
}

export interface CheckpointResult {
  readonly file: string;
  readonly treeSize: number | null;
  readonly time: string | null;
  readonly keyId: string | null;
  readonly ok: boolean;
  readonly findings: readonly CheckpointFinding[];
}

export interface CheckpointsVerification {
  readonly ok: boolean;
  readonly checked: number;
  readonly failed: number;
  readonly logSize: number;
  readonly results: readonly CheckpointResult[];
}

const name = (file: string): string => basename(file, '.json');
const short = (hash: string): string => `${hash.slice(0, 12)}…`;

/**
 * The access log against the head a checkpoint signed: the entry at `size` must still have that
 * hash (an empty log's head is 64 zeros). `accessHashes[i]` is the hash of access-log entry i + 1.
 */
function accessLogFinding(entry: CheckpointFile, accessHashes: readonly string[] | undefined): CheckpointFinding | undefined {
  const signed = entry.checkpoint.accessLog;
  if (signed === undefined || accessHashes === undefined) return undefined;
  if (signed.size > accessHashes.length) {
    return { problem: 'access-log-mismatch', detail: `${name(entry.file)} covers ${signed.size} access-log entries, but the access log has ${accessHashes.length}: entries were cut off or removed` };
  }
  const head = signed.size === 0 ? '0'.repeat(64) : accessHashes[signed.size - 1];
  if (head !== signed.head) {
    return { problem: 'access-log-mismatch', detail: `access-log entry ${signed.size} has hash al1:${short(head ?? '')}, but ${name(entry.file)} signed al1:${short(signed.head)}: the access log was rewritten` };
  }
  return undefined;
}

function findingsFor(entry: CheckpointFile, log: LogTree, publicKey: KeyObject, accessHashes?: readonly string[]): CheckpointFinding[] {
  const { checkpoint } = entry;
  const findings: CheckpointFinding[] = [];
  if (!checkpointSignedBy(checkpoint, publicKey)) {
    findings.push({ problem: 'signature', detail: `${name(entry.file)} was not signed by this public key (key id ${checkpoint.keyId}), or was changed after signing` });
  }
  const access = accessLogFinding(entry, accessHashes);
  if (access !== undefined) findings.push(access);
  const size = log.hashes.length;
  if (checkpoint.treeSize > size) {
    findings.push({ problem: 'beyond-log', detail: `${name(entry.file)} covers ${checkpoint.treeSize} entries, but the log has ${size}: entries ${size + 1}–${checkpoint.treeSize} are missing (cut off the end, or removed)` });
    return findings;
  }
  const root = log.tree.root(checkpoint.treeSize).toString('hex');
  if (root !== checkpoint.rootHash) {
    findings.push({ problem: 'root-mismatch', detail: `the first ${checkpoint.treeSize} entries of the log have Merkle root ${short(root)}, but ${name(entry.file)} signed ${short(checkpoint.rootHash)}: entries it covered were changed, removed or inserted` });
  }
  const head = chainHeadAt(log, checkpoint.treeSize);
  if (head !== checkpoint.chainHead) {
    findings.push({ problem: 'chain-head-mismatch', detail: `entry ${checkpoint.treeSize} has hash cl1:${short(head ?? '')}, but ${name(entry.file)} signed cl1:${short(checkpoint.chainHead)}` });
  }
  return findings;
}

function consistencyFinding(older: CheckpointFile, newer: CheckpointFile, log: LogTree): CheckpointFinding | undefined {
  const m = older.checkpoint.treeSize;
  const n = newer.checkpoint.treeSize;
  if (n > log.hashes.length) return undefined;
  const proof = log.tree.consistencyProof(m, n);
  const consistent = verifyConsistency(m, n, Buffer.from(older.checkpoint.rootHash, 'hex'), Buffer.from(newer.checkpoint.rootHash, 'hex'), proof);
  if (consistent) return undefined;
  return { problem: 'inconsistent', detail: `${name(newer.file)} does not extend ${name(older.file)}: the log was rewritten between ${older.checkpoint.time} and ${newer.checkpoint.time}` };
}

/** Checks every checkpoint (oldest first, as `readCheckpointFolder` gives them) against `log`. */
export function verifyCheckpoints(log: LogTree, checkpoints: readonly CheckpointFile[], unreadable: readonly UnreadableCheckpoint[], publicKey: KeyObject, accessHashes?: readonly string[]): CheckpointsVerification {
  const results: CheckpointResult[] = unreadable.map((u) => ({
    file: u.file, treeSize: null, time: null, keyId: null, ok: false, findings: [{ problem: 'unreadable', detail: u.problem }],
  }));
  checkpoints.forEach((entry, i) => {
    const findings = findingsFor(entry, log, publicKey, accessHashes);
    const previous = i > 0 ? checkpoints[i - 1] : undefined;
    // Only against a newer checkpoint that still matches the log does a failed proof add something:
    // the log was rewritten after the older one was signed, and then signed again.
    const matchesLog = !findings.some((f) => f.problem === 'beyond-log' || f.problem === 'root-mismatch');
    const inconsistent = previous === undefined || !matchesLog ? undefined : consistencyFinding(previous, entry, log);
    if (inconsistent !== undefined) findings.push(inconsistent);
    const { checkpoint } = entry;
    results.push({ file: entry.file, treeSize: checkpoint.treeSize, time: checkpoint.time, keyId: checkpoint.keyId, ok: findings.length === 0, findings });
  });
  const failed = results.filter((r) => !r.ok).length;
  return { ok: failed === 0, checked: results.length, failed, logSize: log.hashes.length, results };
}
